"""Server side of the HTML pages (issue 5): login redirects, the form login, logout with CSRF,
department scoping of meeting pages, static files. The browser behaviour is in tests/browser."""

from __future__ import annotations

from fastapi.testclient import TestClient
from svc_helpers import PASSWORD, upload


def _login(client: TestClient, username: str, next_: str = "/meetings") -> object:
    return client.post(
        "/login", data={"username": username, "password": PASSWORD, "next": next_}, follow_redirects=False
    )


def test_pages_redirect_to_login_and_back(client: TestClient) -> None:
    r = client.get("/meetings/5/edit", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fmeetings%2F5%2Fedit"
    r = _login(client, "staff_a", "/meetings/5/edit")
    assert r.status_code == 303 and r.headers["location"] == "/meetings/5/edit"
    assert "gijiroku_session" in r.cookies and "gijiroku_csrf" in r.cookies


def test_login_never_redirects_off_site(client: TestClient) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "evil"):
        assert _login(client, "staff_a", target).headers["location"] == "/meetings"
        client.cookies.clear()


def test_wrong_password_rerenders_the_form_in_japanese(client: TestClient) -> None:
    r = client.post("/login", data={"username": "staff_a", "password": "nope"})
    assert r.status_code == 401 and "ユーザー名またはパスワードが正しくありません" in r.text
    assert '<html lang="ja">' in r.text


def test_logout_needs_the_csrf_token(client: TestClient) -> None:
    _login(client, "staff_a")
    client.post("/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert client.get("/meetings", follow_redirects=False).status_code == 200  # still logged in
    client.post("/logout", data={"csrf_token": client.cookies["gijiroku_csrf"]}, follow_redirects=False)
    assert client.get("/meetings", follow_redirects=False).status_code == 303


def test_meeting_pages_follow_department_scoping(client: TestClient, auth) -> None:
    meeting_id = upload(client, auth("staff_a")).json()["meeting"]["id"]
    _login(client, "staff_b")
    r = client.get(f"/meetings/{meeting_id}/edit")
    assert r.status_code == 404 and "会議が見つかりません" in r.text
    client.cookies.clear()
    _login(client, "staff_a")
    r = client.get(f"/meetings/{meeting_id}/edit")
    assert r.status_code == 200 and f'data-meeting-id="{meeting_id}"' in r.text


def test_admin_page_is_for_admins_and_nav_follows_the_role(client: TestClient) -> None:
    _login(client, "clerk_a")
    page = client.get("/meetings").text
    assert 'href="/admin"' not in page and 'href="/reports"' not in page and 'href="/upload"' in page
    assert client.get("/admin").status_code == 403
    client.cookies.clear()
    _login(client, "admin")
    page = client.get("/admin").text
    assert 'href="/admin"' in page and 'href="/reports"' in page


def test_static_files_are_served_locally(client: TestClient) -> None:
    assert client.get("/static/css/app.css").status_code == 200
    r = client.get("/static/js/editor/main.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]


def test_meeting_page_links_to_the_survey(client: TestClient, auth) -> None:
    meeting_id = upload(client, auth("staff_a")).json()["meeting"]["id"]
    _login(client, "staff_a")
    r = client.get(f"/meetings/{meeting_id}")
    assert r.status_code == 200 and f'href="/meetings/{meeting_id}/survey"' in r.text


def test_a_bug_behind_a_page_answers_an_error_page_not_json(client: TestClient, monkeypatch) -> None:
    """A page's unexpected failure shows the Japanese error page with the error id (the API
    keeps its JSON); the traceback stays in the log."""

    def broken(*args: object) -> None:
        raise RuntimeError("internal detail that must not reach the page")

    monkeypatch.setattr("service.web.pages.meeting_for_user", broken)
    _login(client, "staff_a")
    r = client.get("/meetings/1")
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    assert "管理者にお問い合わせください" in r.text and "internal detail" not in r.text
    assert '<html lang="ja">' in r.text
