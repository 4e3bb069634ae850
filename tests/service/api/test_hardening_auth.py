"""Issue 10 regressions for authentication and roles: parallel login throttling (row 2), revoking
other sessions on a password change (row 3), who answers the survey (row 5), trivial passwords
(row 13), the logout audit IP and telemetry auto-configuration (row 15)."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from kpi_helpers import answer, jst, seed_meeting
from sqlalchemy import select, update
from svc_helpers import HERE, PASSWORD, bearer, make_settings, seed_users
from test_scale_out import pg_url  # noqa: F401  (fixture: a fresh PostgreSQL database)

from service.app import create_app
from service.auth.passwords import check_password_policy
from service.cli import main as cli_main
from service.config import get_settings
from service.db.base import utcnow
from service.db.models import AuditLog, LoginThrottle, Survey, User
from service.kpi.answers import ContinuedUse, Satisfaction
from service.maintenance import housekeeping

WRONG = "not the password"


def _parallel(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call at once (a barrier releases all threads together) and return the results."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _login_status(client: TestClient, username: str, password: str = WRONG) -> Callable[[], int]:
    return lambda: client.post("/api/auth/login", json={"username": username, "password": password}).status_code


def _audit(app: FastAPI, action: str) -> list[AuditLog]:
    with app.state.ctx.sessions() as db:
        return list(db.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


# --- row 2: throttling holds under parallel attempts ------------------------------------------


def _assert_parallel_wrong_passwords_throttled(client: TestClient, limit: int) -> None:
    statuses = Counter(_parallel([_login_status(client, "staff_a") for _ in range(15)]))
    assert statuses == {401: limit, 429: 15 - limit}
    assert _login_status(client, "staff_a", PASSWORD)() == 429  # still locked for the right password


def test_row2_parallel_wrong_passwords_are_throttled(client, settings):
    _assert_parallel_wrong_passwords_throttled(client, settings.login_max_failures)
    other_address = TestClient(client.app, client=("192.0.2.7", 50000))
    assert _login_status(other_address, "staff_a", PASSWORD)() == 200  # only this address is locked


def test_row2_an_address_spraying_usernames_is_throttled(tmp_path):
    settings = make_settings(tmp_path / "data", login_max_failures_per_address=8)
    with TestClient(create_app(settings)) as client:
        seed_users(client.app)
        for _ in range(10):  # successful logins do not use up the address's budget
            assert _login_status(client, "staff_a", PASSWORD)() == 200
        statuses = Counter(_parallel([_login_status(client, f"user{n}") for n in range(15)]))
        assert statuses == {401: 8, 429: 7}
        r = client.post("/api/auth/login", json={"username": "clerk_a", "password": PASSWORD})
        assert r.status_code == 429 and "分後に再度お試しください" in r.json()["detail"]
        assert _login_status(TestClient(client.app, client=("192.0.2.8", 1)), "clerk_a", PASSWORD)() == 200


@pytest.mark.services
def test_row2_parallel_wrong_passwords_are_throttled_on_postgresql(tmp_path, pg_url):  # noqa: F811
    settings = make_settings(tmp_path / "data", database_url=pg_url)
    with TestClient(create_app(settings)) as client:
        seed_users(client.app)
        _assert_parallel_wrong_passwords_throttled(client, settings.login_max_failures)


def test_row2_lapsed_counters_are_purged_by_housekeeping(client, settings):
    """The throttle table holds only the current window: an address that failed long ago leaves no row."""
    for username in ("staff_a", "clerk_a"):
        assert _login_status(client, username)() == 401
    ctx = client.app.state.ctx
    with ctx.sessions() as db:
        long_ago = utcnow() - dt.timedelta(minutes=settings.login_lockout_minutes + 1)
        db.execute(update(LoginThrottle).where(LoginThrottle.key.contains("clerk_a")).values(window_start=long_ago))
        db.commit()
    housekeeping(ctx)
    with ctx.sessions() as db:
        keys = list(db.scalars(select(LoginThrottle.key)))
    assert keys and not any("clerk_a" in k for k in keys) and any("staff_a" in k for k in keys)


# --- row 3: a password change ends the other sessions ------------------------------------------


def _session(app: FastAPI, username: str = "staff_a", password: str = PASSWORD) -> tuple[TestClient, str]:
    c = TestClient(app)
    r = c.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return c, r.json()["csrf_token"]


def test_row3_password_change_revokes_other_sessions_and_tokens(app, client):
    current, csrf = _session(app)
    other, _ = _session(app)
    token = bearer(client, "staff_a")
    new = "a brand new passphrase"
    r = current.post(
        "/api/auth/password", headers={"X-CSRF-Token": csrf}, json={"current_password": PASSWORD, "new_password": new}
    )
    assert r.status_code == 204, r.text
    assert current.get("/api/auth/me").status_code == 200  # the session that changed it stays
    assert other.get("/api/auth/me").status_code == 401
    assert client.get("/api/auth/me", headers=token).status_code == 401
    (row,) = _audit(app, "password_changed")
    assert row.detail["revoked_sessions"] == 2 and row.ip == "testclient"

    # changed with a bearer token: that token stays, the browser session ends
    browser, _ = _session(app, password=new)
    script = bearer(client, "staff_a", new)
    r = client.post("/api/auth/password", headers=script, json={"current_password": new, "new_password": PASSWORD})
    assert r.status_code == 204
    assert client.get("/api/auth/me", headers=script).status_code == 200
    assert browser.get("/api/auth/me").status_code == 401


def test_row3_admin_password_reset_revokes_every_session_and_token(app, client, auth):
    browser, _ = _session(app)
    token = bearer(client, "staff_a")
    users = client.get("/api/users", headers=auth("admin")).json()
    staff = next(u for u in users if u["username"] == "staff_a")
    r = client.patch(f"/api/users/{staff['id']}", headers=auth("admin"), json={"password": "reset by the admin"})
    assert r.status_code == 200, r.text
    assert browser.get("/api/auth/me").status_code == 401
    assert client.get("/api/auth/me", headers=token).status_code == 401
    assert client.get("/api/users", headers=auth("admin")).status_code == 200  # the admin's own token stays
    row = _audit(app, "user_updated")[-1]
    assert row.detail["fields"] == ["password"] and row.detail["revoked_sessions"] == 2


# --- row 5: only users who may edit the meeting answer its survey --------------------------------

SURVEY = {"satisfaction": "satisfied", "continued_use": "yes", "estimated_minutes": 60}


@pytest.fixture
def processed(app, client) -> int:
    return seed_meeting(app, "総務課", jst(2025, 3, 10, 10))


@pytest.fixture
def evaluator_a(client, auth) -> dict[str, str]:
    """An evaluator inside 総務課, so the meeting is visible to them."""
    r = client.post(
        "/api/users",
        headers=auth("admin"),
        json={"username": "eval_a", "password": PASSWORD, "role": "evaluator", "department_id": 1},
    )
    assert r.status_code == 201, r.text
    return bearer(client, "eval_a")


def test_row5_only_editors_answer_the_survey(client, auth, processed, evaluator_a):
    url = f"/api/meetings/{processed}/survey"
    for headers in (auth("clerk_a"), evaluator_a):
        r = client.put(url, headers=headers, json=SURVEY)
        assert r.status_code == 403, r.text
        assert (
            r.json()["error"] == "forbidden" and "アンケート" in r.json()["detail"] and "survey" in r.json()["detail"]
        )
    assert client.put(url, headers=auth("staff_a"), json=SURVEY).status_code == 200
    assert client.put(url, headers=auth("admin"), json=SURVEY).status_code == 200


def test_row5_survey_page_is_not_offered_to_clerks(app, processed):
    clerk = TestClient(app)
    assert (
        clerk.post("/login", data={"username": "clerk_a", "password": PASSWORD}, follow_redirects=False).status_code
        == 303
    )
    assert f"/meetings/{processed}/survey" not in clerk.get(f"/meetings/{processed}").text
    page = clerk.get(f"/meetings/{processed}/survey")
    assert page.status_code == 403 and "アンケート" in page.text and 'name="satisfaction"' not in page.text
    csrf = clerk.cookies.get("gijiroku_csrf")
    r = clerk.post(f"/meetings/{processed}/survey", follow_redirects=False, data={**SURVEY, "csrf_token": csrf})
    assert r.status_code == 403
    with app.state.ctx.sessions() as db:
        assert db.scalar(select(Survey.id)) is None


def test_row5_report_counts_only_answers_of_editors(app, client, auth, processed):
    answer(client, auth("staff_a"), processed, "very_satisfied", "yes", estimated=120)
    with app.state.ctx.sessions() as db:  # answers a clerk stored before the rule existed
        clerk = db.scalar(select(User).where(User.username == "clerk_a"))
        db.add(
            Survey(
                meeting_id=processed,
                user_id=clerk.id,
                satisfaction=Satisfaction.very_dissatisfied,
                continued_use=ContinuedUse.no,
                estimated_minutes=10,
            )
        )
        db.commit()
    report = client.get("/api/reports?fiscal_year=2024", headers=auth("evaluator")).json()
    row = report["yearly"]["rows"][0]
    assert row["department"] == "総務課"
    assert (row["responses"], row["satisfied"], row["continuing"]) == (1, 1, 1)


# --- row 13: trivial passwords ----------------------------------------------------------------

TRIVIAL = [
    "1234567890",
    "aaaaaaaaaa",
    "password123",
    "Password2024!",
    "qwertyuiop",
    "abcdefghijkl",
    "0987654321",
    "abcabcabcabc",
    "iloveyou1234",
    "1qaz2wsx3edc",
    "zxcvbnmasdf",
    "ababababab",
]


@pytest.mark.parametrize("password", TRIVIAL)
def test_row13_trivial_passwords_are_refused(password):
    with pytest.raises(Exception) as caught:
        check_password_policy(password)
    assert caught.value.status == 422 and caught.value.code == "weak_password"
    assert "パスワード" in caught.value.ja and caught.value.en


def test_row13_trivial_passwords_are_refused_where_passwords_are_set(client, auth, tmp_path, monkeypatch, capsys):
    admin = auth("admin")
    r = client.post("/api/users", headers=admin, json={"username": "weak1", "password": "1234567890", "role": "admin"})
    assert r.status_code == 422 and "パスワード" in r.json()["detail"]
    r = client.patch("/api/users/2", headers=admin, json={"password": "aaaaaaaaaa"})
    assert r.status_code == 422
    r = client.post(
        "/api/auth/password", headers=auth("staff_a"), json={"current_password": PASSWORD, "new_password": "qwertyuiop"}
    )
    assert r.status_code == 422
    for good in ("correct horse battery", "Hanabi-Matsuri-7", "from-the-env-123", "長い日本語のパスフレーズ"):
        check_password_policy(good)  # ordinary passphrases still pass

    monkeypatch.setenv("GIJIROKU_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.delenv("GIJIROKU_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("1234567890\n"))
    get_settings.cache_clear()
    try:
        assert cli_main(["admin", "create", "--username", "weak", "--password-stdin"]) == 2
    finally:
        get_settings.cache_clear()
    assert "パスワード" in capsys.readouterr().err

    env_admin = make_settings(tmp_path / "env", admin_username="root", admin_password="aaaaaaaaaa")
    with pytest.raises(Exception, match=r"weak_password|パスワード"), TestClient(create_app(env_admin)):
        pass


def test_row13_generated_initial_passwords_pass_the_policy():
    from service.auth.passwords import random_password  # new in the fix

    for _ in range(200):
        check_password_policy(random_password())


# --- row 15: logout IP, no telemetry ------------------------------------------------------------


def test_row15_logout_audit_rows_carry_the_ip(app, client):
    api, csrf = _session(app)
    assert api.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    page = TestClient(app, client=("192.0.2.44", 50000))
    assert (
        page.post("/login", data={"username": "staff_a", "password": PASSWORD}, follow_redirects=False).status_code
        == 303
    )
    r = page.post("/logout", data={"csrf_token": page.cookies.get("gijiroku_csrf")}, follow_redirects=False)
    assert r.status_code == 303
    assert [row.ip for row in _audit(app, "logout")] == ["testclient", "192.0.2.44"]


_TELEMETRY_PROBE = """
from fastapi.testclient import TestClient
from opentelemetry import trace
from svc_helpers import make_settings
from service.app import create_app
import fastapi.telemetry._runtime as runtime, sys, tempfile
app = create_app(make_settings(__import__("pathlib").Path(tempfile.mkdtemp())))
with TestClient(app) as c:
    c.get("/healthz")
print(type(trace.get_tracer_provider()).__name__, len(runtime._owned), app._native_telemetry.enabled(),
      __import__("os").environ["OTEL_SDK_DISABLED"])
"""


def test_row15_telemetry_auto_configuration_is_off(tmp_path):
    env = {
        **os.environ,
        "FASTAPI_OTEL_AUTO_CONFIGURE": "true",
        "OTEL_SDK_DISABLED": "false",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9",
        "PYTHONPATH": str(HERE),
    }
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", _TELEMETRY_PROBE], env=env, cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ProxyTracerProvider", "0", "False", "true"]
