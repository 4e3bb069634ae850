"""Corrections reach both texts and 要確認 marks can be cleared (issue 14, items 3 and 8), on a
seeded meeting (scripted ja_meeting transcript: one word per character, every seventh word
low-confidence).

Saves docs/screenshots/editor-corrections-{1366,1024}.png and editor-confirmed-{1366,1024}.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor_helpers import place_caret
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WIDTHS = (1366, 1024)


def _low_count(page: Page) -> int:
    return page.locator("#turns .word.low").count()


def _screenshots(page: Page, screenshots_dir: Path, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 768})
        page.wait_for_timeout(200)
        page.screenshot(path=str(screenshots_dir / f"{name}-{width}.png"))
    page.set_viewport_size({"width": 1366, "height": 768})


def test_a_correction_typed_in_kebatori_is_in_the_verbatim_export(
    page: Page, open_seeded_editor, screenshots_dir: Path
) -> None:
    open_seeded_editor("corrections_staff", "訂正の反映")
    manager = page.locator("#turn-2 .turn-text")
    expect(manager).to_have_text("財政課長の佐藤です。補正予算の総額は三億五千万円でございます。")  # ケバ取り

    # In ケバ取り: 佐藤 → 加藤 (typed: the caret after 佐, Backspace, 加), then leave the turn.
    place_caret(page, 2, 6)
    page.keyboard.press("Backspace")
    page.keyboard.type("加")
    page.keyboard.press("Tab")
    expect(page.locator("#save-state")).to_have_text("未保存の変更があります")

    # In 素起こし the fix is there, and a fix typed there reaches ケバ取り in turn.
    page.get_by_text("素起こし", exact=True).click()
    expect(manager).to_have_text("財政課長の加藤です。えー、補正予算の総額は三億五千万円でございます。")
    grants = page.locator("#turn-4 .turn-text")
    place_caret(page, 4, 4)  # 国の交付|金: 交付 → 補助
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.type("補助")
    page.keyboard.press("Tab")
    expect(grants).to_have_text("国の補助金が二億円、残りは基金から繰り入れます。")
    page.get_by_text("ケバ取り", exact=True).click()
    expect(grants).to_have_text("国の補助金が二億円、残りは基金から繰り入れます。")

    # 出力 uses ケバ取り unless 素起こし is asked for, whatever the view; the file name says which.
    page.get_by_text("素起こし", exact=True).click()
    expect(page.get_by_label("出力する文")).to_have_value("clean")
    _screenshots(page, screenshots_dir, "editor-corrections")
    page.get_by_label("出力する文").select_option("verbatim")
    page.locator("#export-menu summary").click()
    with page.expect_download() as download:
        page.get_by_role("menuitem", name="テキスト（.txt）").click()
    assert download.value.suggested_filename.endswith("_素起こし.txt")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "財政課長の加藤です。えー、補正予算" in text and "国の補助金" in text
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")  # saved before the export


def test_confirmed_and_corrected_words_lose_their_mark(page: Page, open_seeded_editor, screenshots_dir: Path) -> None:
    open_seeded_editor("confirm_staff", "要確認の解除")
    count = page.locator("#low-count")
    lows = _low_count(page)
    assert lows > 4
    expect(count).to_have_text(f"要確認の語: {lows}")

    # 確認済み on a turn clears every mark in it.
    in_first = page.locator("#turn-0 .word.low").count()
    assert in_first > 0
    page.get_by_role("button", name="発言1の要確認の語をすべて確認済みにする").click()
    expect(page.locator("#turn-0 .word.low")).to_have_count(0)
    lows -= in_first
    expect(count).to_have_text(f"要確認の語: {lows}")
    expect(page.get_by_role("button", name="発言1の要確認の語をすべて確認済みにする")).to_be_hidden()

    # One word: a double click on it, or Alt+Y with the caret in it.
    page.locator("#turn-1 .word.low").first.dblclick()
    lows -= 1
    expect(count).to_have_text(f"要確認の語: {lows}")
    word = page.locator("#turn-3 .word.low").first
    offset = word.evaluate(
        """span => { const r = document.createRange(); r.selectNodeContents(span.closest('.turn-text'));
        r.setEnd(span.firstChild, 0); return r.toString().length; }"""
    )
    place_caret(page, 3, offset)
    page.keyboard.press("Alt+KeyY")
    lows -= 1
    expect(count).to_have_text(f"要確認の語: {lows}")

    # A word staff edited next to is no longer marked once they leave the turn.
    word = page.locator("#turn-4 .word.low").first
    end = word.evaluate(
        """span => { const r = document.createRange(); r.selectNodeContents(span.closest('.turn-text'));
        r.setEnd(span.firstChild, span.firstChild.length); return r.toString().length; }"""
    )
    before = page.locator("#turn-4 .word.low").count()
    place_caret(page, 4, end)
    page.keyboard.type("ね")
    page.keyboard.press("Tab")
    expect(page.locator("#turn-4 .word.low")).to_have_count(before - 1)
    lows -= 1
    expect(count).to_have_text(f"要確認の語: {lows}")
    _screenshots(page, screenshots_dir, "editor-confirmed")

    # Saved with the transcript: still cleared after a reload.
    page.keyboard.press("Control+KeyS")
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    page.reload()
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    expect(count).to_have_text(f"要確認の語: {lows}")
