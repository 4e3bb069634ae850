"""The 分割 button with a caret placed by a real mouse click, and the editor's keyboard shortcuts
after the player's own play control took focus (issue 14, items 1 and 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(page: Page, open_seeded_editor) -> Page:
    """A staff user on the editor of a fresh seeded meeting (scripted ja_meeting transcript)."""
    open_seeded_editor("split_staff", "分割テスト")
    return page


def _click_inside_text(page: Page, index: int, offset: int) -> None:
    """A real mouse click between characters ``offset - 1`` and ``offset`` of turn ``index``:
    the point is the right edge of character ``offset - 1``, read from the layout."""
    point = page.evaluate(
        """([i, off]) => { const node = document.querySelector(`#turn-${i} .turn-text`);
        const w = document.createTreeWalker(node, NodeFilter.SHOW_TEXT); let pos = 0;
        for (let t = w.nextNode(); t; t = w.nextNode()) { if (off <= pos + t.length) {
          const r = document.createRange(); r.setStart(t, off - pos - 1); r.setEnd(t, off - pos);
          const b = r.getBoundingClientRect(); return [b.right - 1, b.top + b.height / 2]; }
          pos += t.length; } return null; }""",
        [index, offset],
    )
    assert point is not None
    page.mouse.click(point[0], point[1])


def _audio(page: Page, expr: str):
    return page.evaluate(f"document.getElementById('audio').{expr}")


def test_split_button_splits_at_the_clicked_caret(editor: Page) -> None:
    page = editor
    turns = page.locator("article.turn")
    count = turns.count()
    first = page.locator("#turn-0 .turn-text").inner_text()
    _click_inside_text(page, 0, 6)
    caret = page.evaluate(
        """() => { const n = document.querySelector('#turn-0 .turn-text'); const s = getSelection();
        const r = document.createRange(); r.selectNodeContents(n); r.setEnd(s.anchorNode, s.anchorOffset);
        return r.toString().length; }"""
    )
    assert 0 < caret < len(first)  # the click put the caret inside the text, not at an end
    page.locator("#turn-0").get_by_role("button", name="発言1をカーソル位置で分割").click()
    expect(turns).to_have_count(count + 1)
    expect(page.locator("#turn-0 .turn-text")).to_have_text(first[:caret])
    expect(page.locator("#turn-1 .turn-text")).to_have_text(first[caret:])

    # The same with the keyboard: Tab from the text to the turn's 分割 button, then Enter.
    second = page.locator("#turn-1 .turn-text").inner_text()
    _click_inside_text(page, 1, 3)
    page.locator("#turn-1").get_by_role("button", name="発言2をカーソル位置で分割").focus()
    page.keyboard.press("Enter")
    expect(turns).to_have_count(count + 2)
    expect(page.locator("#turn-1 .turn-text")).to_have_text(second[:3])
    expect(page.locator("#turn-2 .turn-text")).to_have_text(second[3:])


def test_split_button_without_a_caret_in_that_turn_explains(editor: Page) -> None:
    page = editor
    turns = page.locator("article.turn")
    count = turns.count()
    _click_inside_text(page, 0, 4)
    page.locator("#turn-1").get_by_role("button", name="発言2をカーソル位置で分割").click()
    expect(page.get_by_text("分割したい位置の文中にカーソルを置いてから")).to_be_visible()
    expect(turns).to_have_count(count)


def test_shortcuts_work_after_clicking_the_player(editor: Page) -> None:
    page = editor
    play = page.locator("#player-play")
    expect(play).to_have_accessible_name("再生")
    play.click()  # a real click on the player's own play control
    expect(play).to_have_accessible_name("一時停止")
    page.wait_for_function("!document.getElementById('audio').paused")
    assert page.evaluate("document.activeElement.closest('.player') !== null")

    page.keyboard.press("Alt+KeyK")
    page.wait_for_function("document.getElementById('audio').paused")
    page.keyboard.press("Alt+KeyK")
    page.wait_for_function("!document.getElementById('audio').paused")
    page.keyboard.press("Alt+KeyK")
    page.wait_for_function("document.getElementById('audio').paused")

    t = _audio(page, "currentTime")
    page.keyboard.press("Alt+KeyL")
    assert _audio(page, "currentTime") == pytest.approx(t + 5, abs=0.3)
    page.keyboard.press("Alt+KeyJ")
    assert _audio(page, "currentTime") == pytest.approx(t, abs=0.3)

    # Ctrl+S saves from the player too (an edit first, so there is something to save).
    page.locator("#turn-0 .turn-text").click()
    page.keyboard.press("End")
    page.keyboard.type("。")
    expect(page.locator("#save-state")).to_have_text("未保存の変更があります")
    play.click()
    page.keyboard.press("Alt+KeyK")
    page.wait_for_function("document.getElementById('audio').paused")
    page.keyboard.press("Control+KeyS")
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")

    # Tab moves on from the player's play control to its seek slider.
    play.focus()
    page.keyboard.press("Tab")
    expect(page.locator("#player-seek")).to_be_focused()


def test_player_controls_are_labelled_and_seekable(editor: Page, screenshots_dir: Path) -> None:
    page = editor
    seek = page.get_by_role("slider", name="再生位置")
    expect(seek).to_be_visible()
    expect(page.get_by_role("button", name="再生", exact=True)).to_be_visible()
    seek.focus()
    page.keyboard.press("ArrowRight")
    assert _audio(page, "currentTime") > 0
    expect(page.locator("#player-time")).to_contain_text("/")
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 768})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=screenshots_dir / f"editor-player-{width}.png")
