"""Pages render in Japanese for the roles that may see them; the header follows the role."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_login_failure_shows_japanese_message(page: Page, live_server) -> None:
    page.goto("/meetings")
    assert "/login" in page.url  # pages redirect to the login form, not a JSON 401
    page.get_by_label("ユーザー名").fill("nobody")
    page.get_by_label("パスワード").fill("wrong")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("alert")).to_contain_text("ユーザー名またはパスワードが正しくありません")
    assert page.locator("html").get_attribute("lang") == "ja"


def test_navigation_depends_on_role(page: Page, live_server, login) -> None:
    live_server.create_user("smoke_clerk", "clerk")
    live_server.create_user("smoke_admin", "admin")
    login(page, "smoke_clerk")
    nav = page.get_by_role("navigation", name="メインメニュー")
    for name in ("会議一覧", "アップロード", "単語登録"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    expect(nav.get_by_role("link", name="管理")).to_have_count(0)
    expect(nav.get_by_role("link", name="報告")).to_have_count(0)
    page.goto("/admin")
    expect(page.get_by_role("alert")).to_contain_text("権限がありません")
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(lambda u: "/login" in u)

    login(page, "smoke_admin")
    expect(nav.get_by_role("link", name="管理")).to_be_visible()
    expect(nav.get_by_role("link", name="報告")).to_have_attribute("href", "/reports")
    nav.get_by_role("link", name="管理").click()
    page.get_by_label("新しい部署名").fill("建設課")
    page.get_by_role("button", name="部署を追加").click()
    expect(page.locator("#dept-body")).to_contain_text("建設課")
    page.locator("#user-form").get_by_label("ユーザー名").fill("kensetsu1")
    page.get_by_label("初期パスワード").fill("kensetsu-pass-2025")
    page.locator("#user-form").get_by_label("部署", exact=True).select_option(label="建設課")
    page.get_by_role("button", name="ユーザーを追加").click()
    expect(page.locator("#user-error")).to_be_hidden()
    expect(page.locator("#users-body")).to_contain_text("kensetsu1")


def test_vocabulary_add_and_delete(page: Page, live_server, login) -> None:
    live_server.create_user("smoke_staff", "staff", "広報課")  # its own, empty vocabulary
    login(page, "smoke_staff")
    page.goto("/vocabulary")
    page.get_by_label("正しい表記").fill("議会運営委員会")
    page.get_by_label("言い換え・誤変換・読み").fill("ぎかいうんえいいいんかい、議運")
    page.get_by_role("button", name="追加").click()
    impact = page.get_by_role("dialog", name="単語登録の影響")  # no transcripts yet: nothing to change
    expect(impact).to_contain_text("この部署にはまだ会議録がない")
    impact.get_by_role("button", name="登録する").click()
    expect(page.locator("#vocab-body")).to_contain_text("ぎかいうんえいいいんかい、議運")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="議会運営委員会 を削除").click()
    expect(page.locator("#vocab-empty")).to_be_visible()


def test_api_refusal_shows_the_japanese_message(page: Page, live_server, login) -> None:
    """A real refusal from the API (a staff user without a department) is shown as its Japanese
    message only."""
    live_server.create_user("smoke_admin2", "admin")
    login(page, "smoke_admin2")
    page.goto("/admin")
    page.locator("#user-form").get_by_label("ユーザー名").fill("nodept1")
    page.get_by_label("初期パスワード").fill("kensetsu-pass-2025")
    page.get_by_role("button", name="ユーザーを追加").click()
    expect(page.locator("#user-error")).to_have_text("この役割には部署の指定が必要です。")


def test_stage_names_come_from_the_server(page: Page, live_server, login) -> None:
    """The pages' job stage names are the server's one list (service.jobs.states), not a copy."""
    from service.jobs.states import JOB_STAGE_LABELS

    live_server.create_user("smoke_stages", "clerk")
    login(page, "smoke_stages")
    labels = page.evaluate("import('/static/js/ui.js').then((ui) => [...ui.STAGE_LABELS])")
    assert labels == [list(item) for item in JOB_STAGE_LABELS.items()]
    text = page.evaluate(
        "import('/static/js/ui.js').then((ui) => ui.stageText({ status: 'running', stage: 'diarize' }))"
    )
    assert text == JOB_STAGE_LABELS["diarize"]
