"""会議資料 in the browser (issue 15): staff attach a document on the meeting page, promote a term
found in it to 単語登録, then in the editor accept a figure the materials suggest and undo a
replacement the pipeline made; the saved revision has both changes. Screenshots:
docs/screenshots/materials-meeting-1366.png, materials-editor-1366.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from models.materials import build_materials
from models.pipeline import draft_turns
from models.types import MeetingInfo, Minutes, Speaker, Turn, Word

pytestmark = pytest.mark.browser

AGENDA = "産業振興委員会　資料\n1　島本町と千早赤阪村の連携事業\n2　町負担額　約2,100万円（試算）\n"
SPOKEN = "島元町と連携します。町負担額は約2,000,000円と試算しております。"


def _minutes() -> dict:
    """A draft as the pipeline makes it with these materials (replacement + figure suggestion)."""
    words = [Word(i * 0.1, i * 0.1 + 0.1, ch, 0.9) for i, ch in enumerate(SPOKEN)]
    turn = Turn("SPEAKER_00", 0.0, len(SPOKEN) * 0.1, SPOKEN, "", words)
    draft_turns([turn], None, build_materials([AGENDA]))
    assert turn.replacements and turn.suggestions
    return Minutes(MeetingInfo(title="資料テスト"), [Speaker("SPEAKER_00", "話者1")], [turn], duration=5.0).to_dict()


def test_staff_attach_materials_promote_a_term_and_review_the_draft(
    page: Page, live_server, login, tmp_path: Path, screenshots_dir: Path
) -> None:
    from service.db.models import TranscriptRevision, VocabularyEntry

    live_server.create_user("materials_staff", "staff", "総務課")
    meeting_id = live_server.create_meeting("資料テスト", minutes=_minutes())
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, "materials_staff")

    page.goto(f"/meetings/{meeting_id}")
    agenda = tmp_path / "議案資料.txt"
    agenda.write_text(AGENDA, encoding="utf-8")
    page.locator("#materials-input").set_input_files(str(agenda))
    page.get_by_role("button", name="資料を追加").click()
    expect(page.locator("#materials-files")).to_contain_text("議案資料.txt")
    row = page.locator("#materials-terms tr", has_text="千早赤阪村")
    expect(row).to_contain_text("ちはやあかさかむら")
    row.get_by_role("button", name="千早赤阪村 を単語登録").click()
    expect(row.get_by_role("button", name="千早赤阪村 を単語登録")).to_have_text("登録済み")
    page.locator("#materials").screenshot(path=str(screenshots_dir / "materials-meeting-1366.png"))
    with live_server.sessions() as db:
        entry = db.scalar(select(VocabularyEntry).where(VocabularyEntry.term == "千早赤阪村"))
        assert entry is not None and entry.variants == ["ちはやあかさかむら"]

    page.goto(f"/meetings/{meeting_id}/edit")
    expect(page.locator("#save-state")).to_have_text("第1版（保存済み）")
    panel = page.locator("#materials-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("「島元町」→「島本町」")
    expect(panel).to_contain_text("「約2,000,000円」→「約2,100万円」")
    page.screenshot(path=str(screenshots_dir / "materials-editor-1366.png"))
    panel.get_by_role("button", name="発言1: 資料の表記「約2,100万円」を採用").click()
    expect(page.locator("#turn-0 .turn-text")).to_contain_text("約2,100万円")
    panel.get_by_role("button", name="発言1: 「島本町」を「島元町」に戻す").click()
    expect(panel).to_be_hidden()
    page.keyboard.press("Control+s")
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    with live_server.sessions() as db:
        saved = db.scalar(
            select(TranscriptRevision)
            .where(TranscriptRevision.meeting_id == meeting_id)
            .order_by(TranscriptRevision.revision.desc())
            .limit(1)
        ).minutes
    [turn] = saved["turns"]
    assert "約2,100万円" in turn["clean_text"] and turn["text"].startswith("島元町")
    assert not turn.get("replacements") and not turn.get("suggestions")
