"""Editor tools on a seeded meeting (no pipeline run): split/merge, reassign, find and replace
with 単語登録, keyboard shortcuts, revision restore, view switch and low-confidence marks,
editing-time reports, and the tablet layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from editor_helpers import place_caret, saved_minutes
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(page: Page, open_seeded_editor) -> tuple[Page, int]:
    """A staff user on the editor of a fresh seeded meeting (scripted ja_meeting transcript)."""
    return page, open_seeded_editor("tools_staff", "道具テスト")


def test_split_merge_and_reassign(editor, live_server) -> None:
    page, meeting_id = editor
    turns = page.locator("article.turn")
    count = turns.count()
    first = page.locator("#turn-0 .turn-text").inner_text()
    place_caret(page, 0, 5)
    page.keyboard.press("Control+Enter")
    expect(turns).to_have_count(count + 1)
    expect(page.locator("#turn-0 .turn-text")).to_have_text(first[:5])
    expect(page.locator("#turn-1 .turn-text")).to_have_text(first[5:])
    page.locator("#turn-0").get_by_role("button", name="発言1を次の発言と結合").click()
    expect(turns).to_have_count(count)
    expect(page.locator("#turn-0 .turn-text")).to_have_text(first)

    page.locator("#turn-1 select.speaker").select_option(label="話者3")
    page.keyboard.press("Control+KeyS")
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    saved = saved_minutes(live_server, meeting_id)
    assert saved["turns"][1]["speaker"] == "SPEAKER_02"
    assert len(saved["turns"]) == count and saved["turns"][0]["text"] == first


def test_find_replace_all_and_add_to_vocabulary(editor, live_server) -> None:
    page, meeting_id = editor
    page.keyboard.press("Control+KeyH")
    expect(page.get_by_label("検索する文字")).to_be_focused()
    page.get_by_label("検索する文字").fill("補正予算")
    page.get_by_role("button", name="次を検索").click()
    expect(page.locator("#find-status")).to_have_text("2件中 1件目")
    page.get_by_label("置換後の文字").fill("補正予算案")
    page.get_by_label("単語登録にも追加").check()
    page.get_by_role("button", name="すべて置換").click()
    expect(page.locator("#find-status")).to_have_text("2件置換しました。")
    expect(page.locator("#turns")).to_contain_text("補正予算案")
    page.get_by_role("dialog", name="単語登録の影響").get_by_role("button", name="登録する").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    saved = saved_minutes(live_server, meeting_id)
    assert all(
        "補正予算案" in t["text"] and "補正予算案" in t["clean_text"] for t in saved["turns"] if "補正予算" in t["text"]
    )
    page.goto("/vocabulary")
    expect(page.locator("#vocab-body")).to_contain_text("補正予算案")


def test_view_switch_threshold_and_revision_restore(editor, live_server) -> None:
    page, meeting_id = editor
    manager = page.locator("article.turn", has_text="財政課長")
    expect(manager.locator(".turn-text")).not_to_contain_text("えー")  # ケバ取り is the default view
    page.get_by_text("素起こし", exact=True).click()
    expect(manager.locator(".turn-text")).to_contain_text("えー、")
    lows = page.locator(".word.low").count()
    assert lows > 0
    page.get_by_label("要確認の目安").fill("0")
    page.get_by_label("要確認の目安").press("Enter")
    expect(page.locator(".word.low")).to_have_count(0)
    page.get_by_label("要確認の目安").fill("0.5")
    page.get_by_label("要確認の目安").press("Enter")
    expect(page.locator(".word.low")).to_have_count(lows)

    # an edit in the verbatim view reaches the cleaned text too (issue 14, item 3)
    place_caret(page, 0, 0)
    page.keyboard.type("【冒頭】")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    saved = saved_minutes(live_server, meeting_id)
    assert saved["turns"][0]["text"].startswith("【冒頭】") and saved["turns"][0]["clean_text"].startswith("【冒頭】")

    page.get_by_text("版の履歴").click()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="第1版に戻す").click()
    expect(page.locator("#save-state")).to_have_text("第3版（保存済み）")
    expect(page.locator("#turn-0 .turn-text")).not_to_contain_text("【冒頭】")
    assert saved_minutes(live_server, meeting_id)["turns"][0]["text"] == saved["turns"][0]["text"].removeprefix(
        "【冒頭】"
    )
    page.get_by_text("ケバ取り", exact=True).click()  # leave the default for the other tests


def test_shortcuts_seek_and_speed(editor) -> None:
    page, _ = editor
    page.locator("#turn-2 .word").first.click()  # clicking a word seeks to it
    t = page.evaluate("document.getElementById('audio').currentTime")
    assert t > 0
    page.keyboard.press("Alt+KeyL")
    assert page.evaluate("document.getElementById('audio').currentTime") == pytest.approx(t + 5, abs=0.3)
    page.keyboard.press("Alt+KeyJ")
    assert page.evaluate("document.getElementById('audio').currentTime") == pytest.approx(t, abs=0.3)
    page.keyboard.press("Alt+Period")
    expect(page.get_by_label("速度")).to_have_value("1.25")
    assert page.evaluate("document.getElementById('audio').playbackRate") == 1.25
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("#turn-3 .turn-text")).to_be_focused()
    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator("#turn-2 .turn-text")).to_be_focused()
    page.keyboard.type("あ")  # Alt shortcuts never type into the text
    assert "˚" not in page.locator("#turn-2 .turn-text").inner_text()


def test_editing_time_is_reported_and_404_ignored(editor) -> None:
    page, meeting_id = editor
    bodies: list[dict] = []

    def capture(route: Route) -> None:
        bodies.append(json.loads(route.request.post_data or "{}"))
        route.fulfill(status=404, json={"error": "not_found", "detail": "x"})

    page.route(f"**/api/meetings/{meeting_id}/editing-time", capture)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.locator("#turn-0 .turn-text").click()
    for _ in range(3):
        page.keyboard.type("あ")
        page.wait_for_timeout(700)
    # Leaving the page sends what was measured (Playwright cannot observe requests of a page that
    # is already gone, so the pagehide event is dispatched in place).
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    page.wait_for_timeout(300)
    assert len(bodies) == 1 and 1.0 <= bodies[0]["active_seconds"] <= 10, bodies
    assert page.evaluate("gijirokuEditor.activity.missing")  # the 404 stops further reports quietly
    assert page.locator("#editor-error").is_hidden() and not errors

    # Idle for over two minutes (simulated): nothing is counted.
    page.evaluate("gijirokuEditor.activity.lastInput = Date.now() - 121000")
    before = page.evaluate("gijirokuEditor.activity.total")
    page.wait_for_timeout(1500)
    assert page.evaluate("gijirokuEditor.activity.total") == before


def test_tablet_width_has_no_horizontal_scroll(editor, screenshots_dir: Path) -> None:
    page, _ = editor
    page.set_viewport_size({"width": 768, "height": 1024})
    page.wait_for_timeout(200)
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    expect(page.locator("#turn-0 .turn-text")).to_be_visible()
    page.screenshot(path=screenshots_dir / "editor-tablet.png")
    for path in ("/meetings", "/upload", "/vocabulary"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 768, path


def test_export_menu_keyboard(editor) -> None:
    """The 出力 menu follows the WAI-ARIA menu button pattern: arrows open it and move through the
    items (wrapping), Home/End jump, Escape closes it and gives the focus back to the button,
    Tab leaves it closed, Enter on an item exports."""
    page, _ = editor
    menu = page.locator("#export-menu")
    button = menu.locator("summary")
    items = page.get_by_role("menu", name="出力形式").get_by_role("menuitem")
    expect(button).to_have_attribute("aria-haspopup", "menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    assert all(i.get_attribute("tabindex") == "-1" for i in items.all())  # reached by arrows, not Tab

    button.focus()
    page.keyboard.press("ArrowDown")
    expect(items.nth(0)).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(items.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # wraps to the last item
    expect(items.last).to_be_focused()
    page.keyboard.press("ArrowDown")  # and back to the first
    expect(items.first).to_be_focused()
    page.keyboard.press("End")
    expect(items.get_by_text("JSON")).to_be_focused()
    page.keyboard.press("Home")
    expect(items.get_by_text("Word（.docx）")).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")
    assert not menu.evaluate("d => d.open")

    page.keyboard.press("ArrowUp")  # opens on the last item
    expect(items.last).to_be_focused()
    page.keyboard.press("Tab")  # leaving the menu closes it
    expect(button).to_have_attribute("aria-expanded", "false")

    button.focus()
    page.keyboard.press("Enter")
    expect(items.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".txt")
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")


def test_api_error_shows_the_japanese_message_field(editor) -> None:
    """A failed API call shows the error's ``message_ja``, not ``detail`` cut apart (a stand-in
    server answers the save with fields that differ from its ``detail``)."""
    page, meeting_id = editor

    def refuse_save(route: Route) -> None:
        if route.request.method != "PUT":
            route.fallback()
            return
        route.fulfill(
            status=503,
            json={
                "error": "unavailable",
                "message_ja": "ただいま保存できません。",
                "message_en": "Saving is unavailable.",
                "detail": "古い形式（old format）",
            },
        )

    page.route(f"**/api/meetings/{meeting_id}/transcript", refuse_save)
    page.locator("#turn-0 .turn-text").click()
    page.keyboard.type("あ")
    page.keyboard.press("Control+KeyS")
    expect(page.locator("#editor-error")).to_have_text("保存できませんでした: ただいま保存できません。")
