"""話者登録 in a real browser (issue 13): staff name 話者1 委員長（佐藤） in one meeting and enrol the
voice with 「この声を登録」; the next meeting with the same voice, uploaded through the form and run by
the live server's pipeline (the real embedded one by default), opens with 委員長（佐藤） and a
confidence mark; 違う puts 話者1 back; the 話者登録 page lists the person and the meeting the print
came from. The first meeting's turns are ja_meeting's reference turns, so the enrolment hears one
voice; the second upload is the same recording (the fixtures hold no other recording of that voice)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from service.db.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.timeout(1800)]  # two pipeline runs of the real model

FIXTURES = Path(__file__).parent.parent / "fixtures"
CLIP = FIXTURES / "ja_meeting.wav"
NAME = "委員長（佐藤）"
DEPARTMENT = "文教課"  # its own department: no other test's registry takes part


def reference_minutes() -> dict:
    data = json.loads((FIXTURES / "ja_meeting.json").read_text(encoding="utf-8"))
    keys = list(dict.fromkeys(s["speaker"] for s in data["segments"]))
    return {
        "meeting": {"title": "第1回 文教委員会"},
        "speakers": [{"id": k, "label": f"話者{i + 1}"} for i, k in enumerate(keys)],
        "turns": [
            {"speaker": s["speaker"], "start": s["start"], "end": s["end"], "text": s["text"], "clean_text": s["text"]}
            for s in data["segments"]
        ],
    }


def test_rename_enrol_next_meeting_named_then_rejected(page: Page, live_server, login, screenshots_dir: Path) -> None:
    live_server.create_user("voice_staff", Role.staff, DEPARTMENT, display_name="木村")
    first = live_server.create_meeting("第1回 文教委員会", DEPARTMENT, CLIP, reference_minutes())
    login(page, "voice_staff")

    # --- meeting 1: rename 話者1 and enrol its voice ---------------------------------------------------
    page.goto(f"/meetings/{first}/edit")
    speaker = page.locator('#speakers input[data-speaker-id="chair"]')
    expect(speaker).to_have_value("話者1")
    speaker.fill(NAME)
    speaker.press("Enter")
    page.get_by_role("button", name=f"{NAME} の声を登録").click()  # saves the rename first
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    # the toast stays 3.5 s; the enrolment embeds the chair's turns first (seconds, longer on a busy CPU)
    expect(page.get_by_text(f"「{NAME}」の声を登録しました（声紋 1件）。")).to_be_visible(timeout=180_000)
    page.screenshot(path=screenshots_dir / "voices_enrol.png")

    # --- meeting 2: upload, the draft opens with the name ------------------------------------------------
    page.goto("/upload")
    page.locator("#file").set_input_files(CLIP)
    page.locator("#title").fill("第2回 文教委員会")
    page.get_by_role("button", name="アップロードして文字起こしを開始").click()
    page.wait_for_url("**/meetings/*", timeout=60_000)
    second = int(page.url.rstrip("/").split("/")[-1])
    expect(page.locator("#job-badge")).to_have_text("完了", timeout=600_000)
    page.goto(f"/meetings/{second}/edit")
    expect(page.locator("#save-state")).to_have_text("第1版（保存済み）")
    named = page.locator("#speakers input").first
    expect(named).to_have_value(NAME)
    expect(page.locator("#turn-0 select.speaker option:checked")).to_have_text(NAME)
    expect(page.locator(".voice-mark").first).to_contain_text("声で照合")
    page.screenshot(path=screenshots_dir / "voices_matched.png")

    # --- reject: back to 話者1 for this meeting ---------------------------------------------------------
    page.get_by_role("button", name=f"{NAME} ではない（話者番号に戻す）").click()
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    expect(named).to_have_value("話者1")
    expect(page.locator("#turn-0 select.speaker option:checked")).to_have_text("話者1")
    page.screenshot(path=screenshots_dir / "voices_rejected.png")

    # --- the registry page ---------------------------------------------------------------------------
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="話者登録").click()
    row = page.locator("#voices-body tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(NAME)
    expect(row.get_by_role("link", name="第1回 文教委員会")).to_have_attribute("href", f"/meetings/{first}")
    page.screenshot(path=screenshots_dir / "voices_page.png", full_page=True)
