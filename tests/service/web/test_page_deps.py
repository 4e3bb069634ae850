"""The page dependencies and the page route (service/web/deps.py, service/web/render.py): a page
gets the login redirect, the CSRF check and the Japanese error page from its signature, with no
plumbing in its body. Checked on the real page routers (walked, so a page added later is covered)
and on a page defined here the way a new one would be."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from fastapi import FastAPI, Form
from fastapi.responses import PlainTextResponse, Response
from fastapi.testclient import TestClient
from svc_helpers import PASSWORD

from service.errors import GijirokuHTTPError
from service.web import router as pages
from service.web.deps import PageFormUser, PageUser
from service.web.render import page_router
from service.web.report_pages import router as report_pages

CSRF_REFUSED = "セッションの確認に失敗しました"


def _login(client: TestClient, username: str) -> str:
    r = client.post("/login", data={"username": username, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client.cookies["gijiroku_csrf"]


def _page_routes(method: str) -> list[str]:
    """Paths (ids filled with 1) of the app's page routes taking ``method``, except the login form,
    which has no session yet (its Origin check is tested in test_login_csrf.py)."""
    paths = [re.sub(r"\{[^}]+\}", "1", r.path) for r in (*pages.routes, *report_pages.routes) if method in r.methods]
    return [p for p in paths if p not in ("/", "/login")]


@pytest.fixture
def new_pages(app: FastAPI, client: TestClient) -> TestClient:
    """A page module written the way the docs say: only the dependencies in the signatures."""
    router = page_router()

    @router.get("/test-page")
    def page(auth: PageUser) -> PlainTextResponse:
        return PlainTextResponse(f"hello {auth.user.username}")

    @router.post("/test-page")
    def submit(auth: PageFormUser, note: str = Form(default="", max_length=10)) -> PlainTextResponse:
        return PlainTextResponse(f"saved {note} for {auth.user.username}")

    @router.get("/test-page/closed")
    def closed(auth: PageUser) -> Response:
        raise GijirokuHTTPError(
            "month_closed", "この月は締め済みです。", "This month is closed.", status=409, headers={"Retry-After": "30"}
        )

    app.include_router(router)
    return client


def test_page_without_session_redirects_to_login_with_next(new_pages: TestClient) -> None:
    client = new_pages
    r = client.get("/test-page?tab=2", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Ftest-page%3Ftab%3D2"
    routes = _page_routes("GET")
    assert len(routes) >= 8
    for path in routes:
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303, (path, r.status_code)
        assert r.headers["location"] == f"/login?next={quote(path, safe='')}", path
    _login(client, "staff_a")
    assert client.get("/test-page?tab=2").text == "hello staff_a"


def test_post_page_without_session_goes_to_login_without_next(new_pages: TestClient) -> None:
    """A form target is no page to come back to by GET (/reports/closures has none): after logging
    in, the user lands on the meeting list."""
    for path in ["/test-page", *_page_routes("POST")]:
        r = new_pages.post(path, data={"csrf_token": "x"}, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (303, "/login"), path


def test_every_post_page_refuses_a_missing_or_wrong_csrf_token(new_pages: TestClient) -> None:
    client = new_pages
    csrf = _login(client, "admin")
    routes = ["/test-page", *_page_routes("POST")]
    assert {"/logout", "/reports/closures", "/meetings/1/survey"} <= set(routes)
    for path in routes:
        for data in ({}, {"csrf_token": "wrong"}, {"csrf_token": ""}):
            r = client.post(path, data=data, follow_redirects=False)
            assert r.status_code == 403, (path, data, r.status_code)
            assert CSRF_REFUSED in r.text and '<html lang="ja">' in r.text, path
    r = client.post("/test-page", json={"csrf_token": csrf})  # only a form field counts on a page
    assert r.status_code == 403
    assert client.post("/test-page", data={"csrf_token": csrf, "note": "ok"}).text == "saved ok for admin"
    assert client.get("/test-page").status_code == 200  # the refused logout above left the session alone


def test_post_page_from_another_site_is_refused(new_pages: TestClient) -> None:
    csrf = _login(new_pages, "staff_a")
    r = new_pages.post("/test-page", data={"csrf_token": csrf}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "別のサイト" in r.text
    assert (
        new_pages.post("/test-page", data={"csrf_token": csrf}, headers={"Origin": "http://testserver"}).status_code
        == 200
    )


def test_gijiroku_error_on_a_page_renders_the_japanese_error_page(new_pages: TestClient) -> None:
    client = new_pages
    _login(client, "staff_a")
    r = client.get("/test-page/closed")
    assert r.status_code == 409 and r.headers["content-type"].startswith("text/html")
    assert r.headers["retry-after"] == "30"
    assert "この月は締め済みです。" in r.text and "This month is closed" not in r.text
    assert '<html lang="ja">' in r.text and "ログアウト" in r.text  # the usual header: still logged in
    r = client.get("/meetings/424242")
    assert (
        r.status_code == 404
        and "会議が見つかりません。" in r.text
        and r.headers["content-type"].startswith("text/html")
    )
    r = client.get("/reports?fiscal_year=abc")  # FastAPI's own validation error, on a page
    assert (
        r.status_code == 422
        and "入力内容に誤りがあります" in r.text
        and r.headers["content-type"].startswith("text/html")
    )
    r = client.post("/meetings/424242/survey", data={"csrf_token": client.cookies["gijiroku_csrf"]})
    assert r.status_code == 404 and "会議が見つかりません。" in r.text
    api = client.get("/api/meetings/424242")  # the API keeps its JSON
    assert api.status_code == 404 and api.json()["error"] == "not_found"


def test_missing_permission_renders_the_error_page(client: TestClient) -> None:
    _login(client, "clerk_a")
    for path in ("/admin", "/reports"):
        r = client.get(path)
        assert r.status_code == 403 and "この画面を開く権限がありません。" in r.text, path
    _login(client, "staff_a")
    r = client.post("/reports/closures", data={"csrf_token": client.cookies["gijiroku_csrf"], "month": "2025-03"})
    assert r.status_code == 403 and "この画面を開く権限がありません。" in r.text
