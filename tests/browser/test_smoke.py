"""Every page renders for the roles that may see it, in Japanese, and the header matches the role."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_login_failure_shows_japanese_message(page: Page, live_server) -> None:
    page.goto("/meetings")
    expect(page).to_have_url(lambda u: "/login" in u) if False else None
    assert "/login" in page.url
    page.get_by_label("ユーザー名").fill("nobody")
    page.get_by_label("パスワード").fill("wrong")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("alert")).to_contain_text("ユーザー名またはパスワードが正しくありません")
    assert page.locator("html").get_attribute("lang") == "ja"


def test_navigation_depends_on_role(page: Page, live_server, login) -> None:
    live_server.create_user("smoke_staff", "staff")
    live_server.create_user("smoke_admin", "admin")
    login(page, "smoke_staff")
    nav = page.get_by_role("navigation", name="メインメニュー")
    for name in ("会議一覧", "アップロード", "単語登録"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    expect(nav.get_by_role("link", name="管理")).to_have_count(0)
    expect(nav.get_by_role("link", name="報告")).to_have_count(0)
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(lambda u: "/login" in u)
    login(page, "smoke_admin")
    expect(nav.get_by_role("link", name="管理")).to_be_visible()
    expect(nav.get_by_role("link", name="報告")).to_have_attribute("href", "/reports")
