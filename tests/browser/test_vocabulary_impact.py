"""The impact of a 単語登録 entry is shown before it is added (issue 14 item 7): on the 単語登録
page and from the editor's find/replace, with the count of places in the department's past
transcripts and examples; a rule that would split longer words (自動→児童 in 自動車) needs an
explicit confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from scripted_pipeline import scripted_minutes

from models.types import MeetingInfo

pytestmark = pytest.mark.browser

PAST = "自動車の事故が増えています。自動車の安全対策と、自動の照明について伺います。"


def _department_with_past_text(live_server, department: str, username: str) -> int:
    """A staff user of a fresh department with one finished meeting whose text mentions 自動車."""
    live_server.create_user(username, "staff", department)
    minutes = scripted_minutes(28.0, MeetingInfo(title="交通安全対策会議")).to_dict()
    minutes["turns"][0]["clean_text"] = PAST
    minutes["turns"][0]["text"] = PAST
    return live_server.create_meeting("交通安全対策会議", department=department, minutes=minutes)


def test_vocabulary_page_shows_impact_and_asks_for_risky_rules(
    page: Page, live_server, login, screenshots_dir: Path
) -> None:
    _department_with_past_text(live_server, "交通課", "vocab_impact1")
    login(page, "vocab_impact1")
    page.goto("/vocabulary")
    page.get_by_label("正しい表記").fill("児童")
    page.get_by_label("言い換え・誤変換・読み").fill("自動")
    page.get_by_role("button", name="追加").click()

    dialog = page.get_by_role("dialog", name="この登録は影響が大きい可能性があります")
    expect(dialog).to_contain_text("過去の会議録（1件）のうち1件の3か所が「児童」に置き換わります。")
    expect(dialog.locator(".impact-examples li").first).to_contain_text("交通安全対策会議")
    expect(dialog.locator(".impact-examples ins").first).to_have_text("児童")
    expect(dialog).to_contain_text("「自動車」（2回）のように長い語の一部")
    page.screenshot(path=str(screenshots_dir / "vocabulary_impact_1366.png"))
    page.set_viewport_size({"width": 1024, "height": 768})
    page.screenshot(path=str(screenshots_dir / "vocabulary_impact_1024.png"))
    page.set_viewport_size({"width": 1366, "height": 768})

    dialog.get_by_role("button", name="登録する").click()  # not without ticking the confirmation
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="登録しない").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#vocab-empty")).to_be_visible()
    expect(page.get_by_label("正しい表記")).to_have_value("児童")  # the form keeps what was typed

    page.get_by_role("button", name="追加").click()
    dialog = page.get_by_role("dialog", name="この登録は影響が大きい可能性があります")
    dialog.get_by_label("影響を確認しました。それでも登録します").check()
    dialog.get_by_role("button", name="登録する").click()
    expect(page.locator("#vocab-body")).to_contain_text("自動")


def test_one_character_rule_asks_even_without_matches(page: Page, live_server, login) -> None:
    _department_with_past_text(live_server, "道路課", "vocab_impact2")
    login(page, "vocab_impact2")
    page.goto("/vocabulary")
    page.get_by_label("正しい表記").fill("町")
    page.get_by_label("言い換え・誤変換・読み").fill("ま")
    page.get_by_role("button", name="追加").click()
    dialog = page.get_by_role("dialog", name="この登録は影響が大きい可能性があります")
    expect(dialog).to_contain_text("「ま」は1文字です。")
    dialog.get_by_role("button", name="登録しない").click()
    expect(page.locator("#vocab-empty")).to_be_visible()


def test_find_replace_previews_before_adding(page: Page, live_server, login, screenshots_dir: Path) -> None:
    meeting_id = _department_with_past_text(live_server, "防災課", "vocab_impact3")
    login(page, "vocab_impact3")
    page.goto(f"/meetings/{meeting_id}/edit")
    expect(page.locator("#save-state")).to_have_text("第1版（保存済み）")
    page.get_by_label("検索する文字").fill("自動")
    page.get_by_label("置換後の文字").fill("児童")
    page.get_by_label("単語登録にも追加").check()
    page.get_by_role("button", name="すべて置換").click()
    expect(page.locator("#find-status")).to_have_text("3件置換しました。")
    dialog = page.get_by_role("dialog", name="この登録は影響が大きい可能性があります")
    expect(dialog).to_contain_text("3か所")
    expect(dialog).to_contain_text("「自動車」（2回）")
    page.screenshot(path=str(screenshots_dir / "editor_vocabulary_impact_1366.png"))
    dialog.get_by_role("button", name="登録しない").click()
    expect(page.locator("#toast")).to_have_text("単語登録には追加しませんでした。")
    page.goto("/vocabulary")
    expect(page.locator("#vocab-empty")).to_be_visible()
