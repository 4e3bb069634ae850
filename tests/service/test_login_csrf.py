"""Issue 10, row 11: a login posted from another site is refused (login CSRF), and so is any
cookie-authenticated write a browser sends from another site; same-site and header-less
requests (scripts, the test client) keep working."""

from __future__ import annotations

from fastapi.testclient import TestClient
from svc_helpers import PASSWORD, make_settings, seed_users

from service.app import create_app

EVIL = "http://evil.example"
FORM = {"username": "staff_a", "password": PASSWORD}


def _form_login(client: TestClient, headers: dict[str, str]):
    return client.post("/login", data=FORM, headers=headers, follow_redirects=False)


def test_row11_login_form_from_another_origin_is_refused(client):
    for headers in (
        {"Origin": EVIL},
        {"Referer": f"{EVIL}/phish.html"},
        {"Origin": "null"},
        {"Origin": EVIL, "Referer": "http://testserver/login"},
    ):
        r = _form_login(client, headers)
        assert r.status_code == 403, headers
        assert "別のサイト" in r.text and "another site" in r.text
        assert "gijiroku_session" not in r.headers.get("set-cookie", "")
    r = client.post("/api/auth/login", json=FORM, headers={"Origin": EVIL})
    assert r.status_code == 403 and r.json()["error"] == "cross_origin"
    assert client.get("/api/auth/me").status_code == 401

    # same site, or no Origin/Referer at all (scripts, not a tricked browser): logged in
    assert _form_login(client, {"Origin": "http://testserver"}).status_code == 303
    assert _form_login(client, {"Referer": "http://testserver/login?next=/meetings"}).status_code == 303
    assert _form_login(client, {}).status_code == 303
    assert client.post("/api/auth/login", json=FORM, headers={"Origin": "http://testserver"}).status_code == 200


def test_row11_cookie_writes_from_another_origin_are_refused(client):
    csrf = client.post("/api/auth/login", json=FORM).json()["csrf_token"]
    body = {"term": "議会運営委員会"}
    r = client.post("/api/vocabulary", json=body, headers={"X-CSRF-Token": csrf, "Origin": EVIL})
    assert r.status_code == 403 and r.json()["error"] == "cross_origin"
    ok = client.post("/api/vocabulary", json=body, headers={"X-CSRF-Token": csrf, "Origin": "http://testserver"})
    assert ok.status_code == 201


def test_row11_trusted_origins_admit_a_reverse_proxy_address(tmp_path):
    settings = make_settings(tmp_path / "data", trusted_origins="https://gijiroku.city.example")
    with TestClient(create_app(settings)) as client:
        seed_users(client.app)
        assert _form_login(client, {"Origin": "https://gijiroku.city.example"}).status_code == 303
        assert _form_login(client, {"Origin": EVIL}).status_code == 403
