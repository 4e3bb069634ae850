"""Login sessions with CSRF, bearer tokens, throttling, expiry, role checks, admin bootstrap."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import update
from svc_helpers import PASSWORD, make_settings, upload

from service.app import create_app
from service.db.models import AuthToken


def _login(client: TestClient, username: str = "staff_a", password: str = PASSWORD):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_cookie_session_requires_csrf_on_writes(client):
    r = _login(client)
    assert r.status_code == 200
    csrf = r.json()["csrf_token"]
    assert client.cookies.get("gijiroku_csrf") == csrf
    assert "httponly" in r.headers["set-cookie"].lower()
    assert client.get("/api/auth/me").json()["username"] == "staff_a"  # GET needs no token

    body = {"term": "議会運営委員会"}
    r = client.post("/api/vocabulary", json=body)
    assert r.status_code == 403 and r.json()["error"] == "csrf_failed"
    r = client.post("/api/vocabulary", json=body, headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403
    assert client.post("/api/vocabulary", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    # form field instead of the header (server-rendered pages)
    r = client.post("/api/auth/logout", data={"csrf_token": csrf})
    assert r.status_code == 204
    assert client.get("/api/auth/me").status_code == 401


def test_multipart_upload_accepts_csrf_form_field(client, settings):
    csrf = _login(client, "clerk_a").json()["csrf_token"]
    assert upload(client, {}).status_code == 403  # cookie but no token: refused, nothing stored
    r = upload(client, {}, csrf_token=csrf)
    assert r.status_code == 201, r.text


def test_bearer_tokens_skip_csrf_and_bad_tokens_are_401(client, auth):
    h = auth("staff_a")
    assert client.post("/api/vocabulary", json={"term": "予算"}, headers=h).status_code == 201
    r = client.get("/api/auth/me", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_wrong_password_and_throttling(client, settings):
    for _ in range(settings.login_max_failures):
        r = _login(client, password="wrong password")
        assert r.status_code == 401 and "パスワードが正しくありません" in r.json()["detail"]
    r = _login(client)  # even the right password is refused while locked
    assert r.status_code == 429 and r.json()["error"] == "too_many_attempts"
    assert 0 < int(r.headers["retry-after"]) <= settings.login_lockout_minutes * 60
    assert "分後に再度お試しください" in r.json()["detail"]
    assert client.post("/api/auth/token", json={"username": "staff_a", "password": PASSWORD}).status_code == 429
    assert _login(client, "clerk_a").status_code == 200  # other usernames are unaffected


def test_expired_session_is_rejected(client, app):
    _login(client)
    with app.state.ctx.sessions() as db:
        db.execute(update(AuthToken).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
        db.commit()
    assert client.get("/api/auth/me").status_code == 401


def test_disabled_user_loses_access(client, auth):
    h = auth("clerk_a")
    users = client.get("/api/users", headers=auth("admin")).json()
    clerk = next(u for u in users if u["username"] == "clerk_a")
    assert (
        client.patch(f"/api/users/{clerk['id']}", headers=auth("admin"), json={"is_active": False}).status_code == 200
    )
    assert client.get("/api/auth/me", headers=h).status_code == 401


def test_role_checks(client, auth):
    assert client.get("/api/users", headers=auth("staff_a")).status_code == 403
    assert client.post("/api/departments", headers=auth("staff_a"), json={"name": "x"}).status_code == 403
    assert client.get("/api/audit", headers=auth("evaluator")).status_code == 403
    r = client.post(
        "/api/users",
        headers=auth("admin"),
        json={"username": "new_clerk", "password": "long enough pw", "role": "clerk", "department_id": 1},
    )
    assert r.status_code == 201
    r = client.post(
        "/api/users", headers=auth("admin"), json={"username": "c2", "password": "long enough pw", "role": "clerk"}
    )
    assert r.status_code == 422 and "部署" in r.json()["detail"]
    r = client.post("/api/users", headers=auth("admin"), json={"username": "c3", "password": "short", "role": "admin"})
    assert r.status_code == 422 and "10文字以上" in r.json()["detail"]


def test_admin_comes_from_environment_only(tmp_path):
    settings = make_settings(tmp_path / "d1")
    with TestClient(create_app(settings)) as c:
        r = c.post("/api/auth/login", json={"username": "admin", "password": "admin"})
        assert r.status_code == 401  # no built-in account
    settings = make_settings(tmp_path / "d2", admin_username="root", admin_password="from-the-env-123")
    credentials = {"username": "root", "password": "from-the-env-123"}
    with TestClient(create_app(settings)) as c:
        assert c.post("/api/auth/login", json=credentials).json()["user"]["role"] == "admin"
    with TestClient(create_app(settings)) as c:  # second start: still exactly one user, no error
        c.post("/api/auth/login", json=credentials)
        assert [u["username"] for u in c.get("/api/users").json()] == ["root"]
