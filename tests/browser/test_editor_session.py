"""Edits survive the end of the session (issue 14 item 4): logging out in another tab, then saving,
offers a login dialog in place and saves with the new session's CSRF token; a login in another tab
is picked up without a dialog; unsaved edits are kept in the browser and offered after a reload
until saved or discarded."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor_helpers import place_caret, saved_minutes
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DRAFT_KEYS = "() => Object.keys(localStorage).filter((k) => k.startsWith('gijiroku:draft:'))"


@pytest.fixture
def editor(page: Page, open_seeded_editor) -> tuple[Page, int]:
    return page, open_seeded_editor("session_staff", "セッションテスト")


def _type_edit(page: Page, text: str) -> None:
    place_caret(page, 0, 0)
    page.keyboard.type(text)
    expect(page.locator("#save-state")).to_have_text("未保存の変更があります")
    page.wait_for_function(f"() => ({DRAFT_KEYS})().length === 1")  # kept in the browser within a second


def _log_out_elsewhere(page: Page) -> Page:
    other = page.context.new_page()
    other.goto("/meetings")
    other.get_by_role("button", name="ログアウト").click()
    other.wait_for_url("**/login**")
    return other


def test_save_after_logout_elsewhere_logs_in_in_place(
    editor, live_server, password: str, screenshots_dir: Path
) -> None:
    page, meeting_id = editor
    _type_edit(page, "【追記】")
    _log_out_elsewhere(page).close()

    page.get_by_role("button", name="保存", exact=True).click()
    dialog = page.get_by_role("dialog", name="もう一度ログインしてください")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("ユーザー名")).to_have_value("session_staff")
    assert page.url.endswith(f"/meetings/{meeting_id}/edit")  # no page change: the edits are on screen
    expect(page.locator("#turn-0 .turn-text")).to_contain_text("【追記】")
    dialog.get_by_label("パスワード").fill("wrong password")
    dialog.get_by_role("button", name="ログインして保存").click()
    # a login checks an argon2 hash: seconds on a busy test machine
    expect(dialog.get_by_role("alert")).to_have_text("ユーザー名またはパスワードが正しくありません。", timeout=20_000)
    page.screenshot(path=str(screenshots_dir / "editor_relogin_1366.png"))
    page.set_viewport_size({"width": 1024, "height": 768})
    page.screenshot(path=str(screenshots_dir / "editor_relogin_1024.png"))
    page.set_viewport_size({"width": 1366, "height": 768})

    dialog.get_by_label("パスワード").fill(password)
    dialog.get_by_role("button", name="ログインして保存").click()
    expect(dialog).to_be_hidden(timeout=20_000)
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    assert saved_minutes(live_server, meeting_id)["turns"][0]["clean_text"].startswith("【追記】")
    assert page.evaluate(DRAFT_KEYS) == []  # saved: nothing left in the browser

    # the page's session is the new one: the next save needs no dialog
    place_caret(page, 1, 0)
    page.keyboard.type("再")
    page.keyboard.press("Control+KeyS")
    expect(page.locator("#save-state")).to_have_text("第3版（保存済み）")


def test_correction_carry_after_logout_elsewhere_logs_in_in_place(editor, live_server, password: str) -> None:
    """A correction finished (focus leaves the turn) after the session ended asks for the password in
    place, then reaches the other text (素起こし), as a save does."""
    page, meeting_id = editor
    place_caret(page, 2, 6)  # ケバ取り: 財政課長の佐|藤です → 加藤
    page.keyboard.press("Backspace")
    page.keyboard.type("加")
    _log_out_elsewhere(page).close()

    page.keyboard.press("Tab")  # the turn is finished: its correction is carried
    dialog = page.get_by_role("dialog", name="もう一度ログインしてください")
    expect(dialog).to_be_visible()
    dialog.get_by_label("パスワード").fill(password)
    dialog.get_by_role("button", name="ログインして保存").click()
    expect(dialog).to_be_hidden(timeout=20_000)  # a login checks an argon2 hash
    page.get_by_text("素起こし", exact=True).click()
    expect(page.locator("#turn-2 .turn-text")).to_have_text(
        "財政課長の加藤です。えー、補正予算の総額は三億五千万円でございます。"
    )
    expect(page.get_by_text("反映できませんでした")).to_have_count(0)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    assert saved_minutes(live_server, meeting_id)["turns"][2]["text"].startswith("財政課長の加藤です。えー、")


def test_login_in_another_tab_is_used_by_the_next_save(editor, live_server, login) -> None:
    page, meeting_id = editor
    _type_edit(page, "【別タブ】")
    other = _log_out_elsewhere(page)
    login(other, "session_staff")
    other.close()

    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert saved_minutes(live_server, meeting_id)["turns"][0]["clean_text"].startswith("【別タブ】")


def test_reload_offers_the_unsaved_draft(editor, live_server, screenshots_dir: Path) -> None:
    page, meeting_id = editor
    page.on("dialog", lambda d: d.accept())  # the browser's "leave the page?" on reload
    _type_edit(page, "【下書き】")
    page.reload()
    offer = page.get_by_role("dialog", name="保存されていない編集があります")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("第1版をもとにした")
    page.screenshot(path=str(screenshots_dir / "editor_draft_restore_1366.png"))
    page.set_viewport_size({"width": 1024, "height": 768})
    page.screenshot(path=str(screenshots_dir / "editor_draft_restore_1024.png"))
    page.set_viewport_size({"width": 1366, "height": 768})
    offer.get_by_role("button", name="復元する").click()
    expect(page.locator("#turn-0 .turn-text")).to_contain_text("【下書き】")
    expect(page.locator("#save-state")).to_have_text("未保存の変更があります")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    assert saved_minutes(live_server, meeting_id)["turns"][0]["clean_text"].startswith("【下書き】")
    assert page.evaluate(DRAFT_KEYS) == []

    page.reload()  # saved: nothing to offer
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_discarded_draft_is_gone(editor) -> None:
    page, _ = editor
    page.on("dialog", lambda d: d.accept())
    _type_edit(page, "【捨てる】")
    page.reload()
    page.get_by_role("dialog", name="保存されていない編集があります").get_by_role("button", name="破棄").click()
    expect(page.locator("#turn-0 .turn-text")).not_to_contain_text("【捨てる】")
    expect(page.locator("#save-state")).to_have_text("第1版（保存済み）")
    assert page.evaluate(DRAFT_KEYS) == []
    page.reload()
    expect(page.locator("#save-state")).to_have_text("第1版（保存済み）")
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_draft_on_an_outdated_revision_meets_the_conflict_box(editor, live_server) -> None:
    """Someone saved after the draft was made: restoring it must not overwrite their version
    silently; saving it shows the usual conflict choices."""
    from service.db.models import TranscriptRevision

    page, meeting_id = editor
    page.on("dialog", lambda d: d.accept())
    _type_edit(page, "【古い下書き】")
    newer = saved_minutes(live_server, meeting_id)
    newer["turns"][1]["clean_text"] = "他の人の修正。"
    with live_server.sessions() as db:
        db.add(TranscriptRevision(meeting_id=meeting_id, revision=2, base_revision=1, minutes=newer))
        db.commit()
    page.reload()
    offer = page.get_by_role("dialog", name="保存されていない編集があります")
    expect(offer).to_contain_text("その後、第2版が保存されています。")
    offer.get_by_role("button", name="復元する").click()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#conflict")).to_be_visible()
    expect(page.locator("#save-state")).to_have_text("未保存（他の人の保存と競合）")
    assert saved_minutes(live_server, meeting_id)["turns"][1]["clean_text"] == "他の人の修正。"
    assert len(page.evaluate(DRAFT_KEYS)) == 1  # still kept until the conflict is settled
