"""The whole clerk/staff journey in a real browser against the real app and (by default) the real
embedded model: log in → upload → progress to done → edit a word → rename a speaker → save →
reload shows both → play from a turn → export .docx → a second person saving a stale revision
sees the conflict message. Screenshots for the docs are written on the way."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from playwright.sync_api import Browser, Page, expect

from service.db.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.ci]

FIXTURES = Path(__file__).parent.parent / "fixtures"
CLIP = FIXTURES / "ja_meeting.wav"
NEW_SPEAKER = "委員長（山田）"
EDITED = "確認済み"


def _audio_time(page: Page) -> float:
    return float(page.evaluate("document.getElementById('audio').currentTime"))


def test_upload_edit_save_export_conflict(
    page: Page, browser: Browser, live_server, login, screenshots_dir: Path, tmp_path: Path, browser_context_args
) -> None:
    live_server.create_user("editor1", Role.staff, "総務課", display_name="山本")
    live_server.create_user("editor2", Role.staff, "総務課", display_name="田中")
    login(page, "editor1")

    # --- upload ---------------------------------------------------------------------------------
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="アップロード").click()
    page.get_by_role("button", name="アップロードして文字起こしを開始").click()
    expect(page.get_by_role("alert")).to_have_text("音声ファイルを選択してください。")  # checked before sending
    page.locator("#file").set_input_files(CLIP)
    expect(page.locator("#file-name")).to_contain_text("ja_meeting.wav")
    page.get_by_label("名称").fill("令和7年 第1回 総務委員会")
    page.get_by_label("日時").fill("2025-04-01T10:00")
    page.get_by_label("場所").fill("第1委員会室")
    page.get_by_label("出席者").fill("山田 太郎\n佐藤 花子\n鈴木 一郎")
    page.get_by_label("議題").fill("令和6年度補正予算について")
    page.get_by_label("話者数").fill("3")
    page.screenshot(path=screenshots_dir / "upload.png", full_page=True)
    page.get_by_role("button", name="アップロードして文字起こしを開始").click()

    # --- progress to done (SSE on the meeting page) -------------------------------------------------
    page.wait_for_url("**/meetings/*", timeout=60_000)
    meeting_id = int(page.url.rstrip("/").split("/")[-1])
    expect(page.get_by_role("progressbar", name="文字起こしの進捗")).to_be_visible()
    expect(page.locator("#job-badge")).to_have_text("完了", timeout=300_000)
    expect(page.get_by_role("progressbar", name="文字起こしの進捗")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_role("link", name="Word（.docx）")).to_be_visible()

    page.get_by_role("link", name="会議一覧").click()
    row = page.locator(f'tr[data-meeting-id="{meeting_id}"]')
    expect(row).to_contain_text("完了")
    expect(row).to_contain_text("2025/04/01 10:00")
    page.screenshot(path=screenshots_dir / "list.png", full_page=True)

    # --- editor: edit a word, rename a speaker, save -------------------------------------------------
    row.get_by_role("link", name="編集").click()
    page.wait_for_url(f"**/meetings/{meeting_id}/edit")
    expect(page.locator("#save-state")).to_have_text("第1版（保存済み）")
    first = page.locator("#turn-0 .turn-text")
    expect(first).not_to_be_empty()
    first.click()
    first.evaluate(
        """(node) => { const w = node.querySelector('.word') || node; const r = document.createRange();
        r.selectNodeContents(w); const s = getSelection(); s.removeAllRanges(); s.addRange(r); }"""
    )
    page.keyboard.type(EDITED)
    expect(page.locator("#save-state")).to_have_text("未保存の変更があります")
    speaker_id = page.locator("#turn-0").get_attribute("data-speaker")
    speaker_input = page.locator(f'#speakers input[data-speaker-id="{speaker_id}"]')
    speaker_input.fill(NEW_SPEAKER)
    speaker_input.press("Enter")
    expect(page.locator("#turn-0 select.speaker option:checked")).to_have_text(NEW_SPEAKER)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")

    page.reload()
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    expect(page.locator("#turn-0 .turn-text")).to_contain_text(EDITED)
    expect(page.locator("#turn-0 select.speaker option:checked")).to_have_text(NEW_SPEAKER)
    expect(page.locator(f'#speakers input[data-speaker-id="{speaker_id}"]')).to_have_value(NEW_SPEAKER)

    # --- play from a turn ---------------------------------------------------------------------------
    target = 1 if page.locator("#turn-1").count() else 0
    page.locator(f"#turn-{target} button.time").click()
    page.wait_for_function("() => !document.getElementById('audio').paused", timeout=10_000)
    t1 = _audio_time(page)
    page.wait_for_timeout(800)
    t2 = _audio_time(page)
    assert t2 > t1 > 0, (t1, t2)
    expect(page.locator(f"#turn-{target}")).to_have_class("turn current")
    page.keyboard.press("Alt+KeyK")  # the play/pause shortcut
    page.wait_for_function("() => document.getElementById('audio').paused")
    page.screenshot(path=screenshots_dir / "editor.png")

    # --- export .docx -------------------------------------------------------------------------------
    page.evaluate("window.addEventListener('gijiroku:first-export', (e) => { window.__firstExport = e.detail; })")
    page.get_by_text("出力 ▾").click()
    with page.expect_download() as info:
        page.get_by_role("menuitem", name="Word（.docx）").click()
    path = tmp_path / "minutes.docx"
    info.value.save_as(path)
    body = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    body += "\n".join(c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells)
    assert NEW_SPEAKER in body and EDITED in body, body[:500]
    assert page.evaluate("window.__firstExport") == {"meetingId": meeting_id, "format": "docx"}
    expect(page.get_by_role("link", name="作業についてのアンケート")).to_have_attribute(
        "href", f"/meetings/{meeting_id}/survey"
    )

    # --- a second person saves a stale revision -------------------------------------------------------
    other = browser.new_context(**browser_context_args)
    try:
        page2 = other.new_page()
        login(page2, "editor2")
        page2.goto(f"/meetings/{meeting_id}/edit")
        expect(page2.locator("#save-state")).to_have_text("第2版（保存済み）")

        text = page.locator("#turn-0 .turn-text")  # the first person saves revision 3 meanwhile
        text.click()
        page.keyboard.press("End")
        page.keyboard.type("（山本）")
        page.keyboard.press("Control+KeyS")
        expect(page.locator("#save-state")).to_have_text("第3版（保存済み）")

        mine = page2.locator("#turn-0 .turn-text")
        mine.click()
        page2.keyboard.press("End")
        page2.keyboard.type("（田中の修正）")
        page2.get_by_role("button", name="保存", exact=True).click()
        conflict = page2.locator("#conflict")
        expect(conflict).to_be_visible()
        expect(conflict).to_contain_text("他の人が先に保存しました")
        expect(conflict).to_contain_text("最新は第3版")
        expect(page2.locator("#turn-0 .turn-text")).to_contain_text("（田中の修正）")  # local text kept
        expect(page2.locator("#save-state")).to_have_text("未保存（他の人の保存と競合）")
        page2.screenshot(path=screenshots_dir / "conflict.png")
        page2.get_by_role("button", name="自分の文章をコピー").click()
        assert "（田中の修正）" in page2.get_by_label("自分の文章（コピー用）").input_value()
        page2.once("dialog", lambda d: d.accept())
        page2.get_by_role("button", name="最新の内容を読み込む（自分の変更は破棄）").click()
        expect(page2.locator("#save-state")).to_have_text("第3版（保存済み）")
        expect(page2.locator("#turn-0 .turn-text")).to_contain_text("（山本）")
    finally:
        other.close()
