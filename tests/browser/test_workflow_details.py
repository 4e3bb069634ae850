"""The smaller daily-workflow fixes of issue 14 item 9, in Chromium: the username pattern is a
valid regular expression for Chromium (v flag), dialogs instead of prompt() (reset password with
the server's reason shown in place, rename department, add speaker), meeting metadata editable on
the meeting page (control/bidi characters refused with the field named), the evaluator's 会議一覧
explains why it is empty, and following playback keeps the current turn in the upper third."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from scripted_pipeline import scripted_minutes

from models.types import MeetingInfo

pytestmark = pytest.mark.browser


def test_admin_user_form_and_dialogs(page: Page, live_server, login, password: str, screenshots_dir: Path) -> None:
    live_server.create_user("detail_admin", "admin")
    live_server.create_user("detail_target", "staff", "総務課")
    login(page, "detail_admin")
    page.goto("/admin")

    username = page.locator("#u-username")
    username.fill("山田 太郎")  # Chromium ignores a pattern it cannot compile (v flag): no mismatch then
    assert username.evaluate("(n) => n.validity.patternMismatch") is True
    username.fill("yamada.t")
    assert username.evaluate("(n) => n.validity.valid") is True
    pw = page.locator("#u-password")
    pw.fill("short")
    assert pw.evaluate("(n) => n.validity.tooShort") is True

    row = page.locator("#users-body tr", has_text="detail_target")
    row.get_by_role("button", name="detail_target のパスワードを再設定").click()
    dialog = page.get_by_role("dialog", name="detail_target のパスワードを再設定")
    dialog.get_by_label("新しいパスワード（10文字以上）").fill("password12345")  # long enough, but common
    dialog.get_by_role("button", name="再設定する").click()
    expect(dialog.get_by_role("alert")).to_contain_text("パスワード")
    page.screenshot(path=str(screenshots_dir / "admin_reset_password_1366.png"))
    page.set_viewport_size({"width": 1024, "height": 768})
    page.screenshot(path=str(screenshots_dir / "admin_reset_password_1024.png"))
    page.set_viewport_size({"width": 1366, "height": 768})
    dialog.get_by_label("新しいパスワード（10文字以上）").fill("Kaigi-roku 2026 reset")
    dialog.get_by_role("button", name="再設定する").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#toast")).to_have_text("パスワードを再設定しました。")

    page.get_by_label("新しい部署名").fill("監査課")
    page.get_by_role("button", name="部署を追加").click()
    page.get_by_role("button", name="監査課 の名前を変更").click()
    rename = page.get_by_role("dialog", name="部署「監査課」の名前を変更")
    rename.get_by_label("新しい部署名").fill("監査委員事務局")
    rename.get_by_role("button", name="OK").click()
    expect(page.locator("#dept-body")).to_contain_text("監査委員事務局")


def test_add_speaker_uses_a_dialog(page: Page, open_seeded_editor) -> None:
    open_seeded_editor("detail_staff", "話者追加テスト")
    page.get_by_role("button", name="話者を追加").click()
    dialog = page.get_by_role("dialog", name="話者を追加")
    expect(dialog.get_by_label("新しい話者の名前")).to_have_value("話者4")
    dialog.get_by_label("新しい話者の名前").fill("事務局長")
    dialog.get_by_role("button", name="OK").click()
    expect(page.get_by_label("事務局長 の表示名")).to_have_value("事務局長")
    expect(page.locator("#save-state")).to_have_text("未保存の変更があります")


def test_meeting_metadata_is_editable_on_the_meeting_page(
    page: Page, live_server, login, screenshots_dir: Path
) -> None:
    live_server.create_user("detail_meta", "staff", "総務課")
    meeting_id = live_server.create_meeting("第3回 総務委員会")
    login(page, "detail_meta")
    page.goto(f"/meetings/{meeting_id}")
    page.get_by_role("button", name="会議の情報を編集").click()
    dialog = page.get_by_role("dialog", name="会議の情報を編集")
    expect(dialog.get_by_label("名称")).to_have_value("第3回 総務委員会")
    dialog.get_by_label("名称").fill("第3回 総務委員会\u202e")
    dialog.get_by_label("日時").fill("2026-11-30T13:30")
    dialog.get_by_label("場所").fill("第2委員会室")
    dialog.get_by_label("出席者").fill("山田委員長\n佐藤副委員長")
    dialog.get_by_label("議題").fill("補正予算について\n請願の審査")
    dialog.get_by_role("button", name="保存").click()
    expect(dialog.get_by_role("alert")).to_contain_text("「名称」に使用できない文字（U+202E")
    page.screenshot(path=str(screenshots_dir / "meeting_metadata_1366.png"))
    dialog.get_by_label("名称").fill("第3回 総務委員会（継続審査）")
    dialog.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("第3回 総務委員会（継続審査）")
    meta = page.locator("section[aria-labelledby=meta-heading] dl.meta")
    for text in ("2026/11/30 13:30", "第2委員会室", "山田委員長、佐藤副委員長", "請願の審査"):
        expect(meta).to_contain_text(text)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.screenshot(path=str(screenshots_dir / "meeting_metadata_1024.png"))


def test_evaluator_meeting_list_explains_why_it_is_empty(page: Page, live_server, login) -> None:
    live_server.create_user("detail_eval", "evaluator")
    login(page, "detail_eval")
    page.goto("/meetings")
    empty = page.locator("#meetings-empty")
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("部署に所属していないため、表示できる会議はありません。")
    expect(empty.get_by_role("link", name="報告")).to_have_attribute("href", "/reports")


def test_following_playback_keeps_the_current_turn_in_the_upper_third(page: Page, live_server, login) -> None:
    """40 short turns over the 28 s recording: the page must scroll as playback moves on."""
    live_server.create_user("detail_follow", "staff", "総務課")
    minutes = scripted_minutes(28.0, MeetingInfo(title="追従テスト")).to_dict()
    base = minutes["turns"]
    span = 28.0 / 40
    minutes["turns"] = [
        {**base[i % len(base)], "start": i * span, "end": (i + 1) * span, "words": []} for i in range(40)
    ]
    meeting_id = live_server.create_meeting("追従テスト", minutes=minutes)
    login(page, "detail_follow")
    page.goto(f"/meetings/{meeting_id}/edit")
    expect(page.locator("#save-state")).to_have_text("第1版（保存済み）")
    page.get_by_role("button", name="再生", exact=True).click()
    page.evaluate(f"gijirokuEditor.player.seek({20 * span + 0.2})")
    expect(page.locator("#turn-20.current")).to_be_attached()
    page.wait_for_timeout(1200)  # the smooth scroll
    box = page.evaluate(
        """() => { const t = document.querySelector('.turn.current').getBoundingClientRect();
        const p = document.querySelector('.player').getBoundingClientRect();
        return { top: t.top, player: p.bottom, height: innerHeight }; }"""
    )
    page.get_by_role("button", name="一時停止").click()
    third = box["player"] + (box["height"] - box["player"]) / 3
    assert box["player"] <= box["top"] <= third, box


def test_revision_list_names_each_kind_of_version(page: Page, open_seeded_editor, screenshots_dir: Path) -> None:
    """版の履歴 says which version was the draft, a save, an autosave or a restore."""
    open_seeded_editor("kind_staff", "版の種類")
    text = page.locator("#turn-0 .turn-text")
    text.click()
    page.keyboard.press("End")
    page.keyboard.type("追記")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    page.locator("#revisions-panel summary").click()
    page.once("dialog", lambda d: d.accept())  # 「第1版の内容を新しい版として保存します」
    page.get_by_role("button", name="第1版に戻す").click()
    expect(page.locator("#save-state")).to_have_text("第3版（保存済み）")
    kinds = page.locator("#revisions-panel li .revision-kind")
    expect(kinds).to_have_text(["復元", "保存", "自動作成"])  # newest first
    page.set_viewport_size({"width": 1366, "height": 768})
    page.locator("#revisions-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / "editor-revision-kinds-1366.png"))


def test_rejected_voice_match_is_its_own_kind_in_the_revision_list(page: Page, live_server, login) -> None:
    """違う on a speaker the registry named writes a version 版の履歴 calls 照合の取消, not 保存."""
    from service.db.models import Meeting, VoiceMatchRow, VoicePerson

    name = "委員長（履歴）"
    live_server.create_user("kind_voice_staff", "staff", "総務課")
    minutes = scripted_minutes(28.0, MeetingInfo(title="照合の取消")).to_dict()
    minutes["speakers"][0]["label"] = name  # as the job leaves a speaker it named from the registry
    meeting_id = live_server.create_meeting("照合の取消", minutes=minutes)
    with live_server.sessions() as db:
        meeting = db.get(Meeting, meeting_id)
        person = VoicePerson(department_id=meeting.department_id, label=name)
        db.add(person)
        db.flush()
        speaker = minutes["speakers"][0]["id"]
        db.add(
            VoiceMatchRow(
                meeting_id=meeting_id, speaker=speaker, person_id=person.id, label=name, score=0.95, margin=0.3
            )
        )
        db.commit()
    login(page, "kind_voice_staff")
    page.goto(f"/meetings/{meeting_id}/edit")
    page.get_by_role("button", name=f"{name} ではない（話者番号に戻す）").click()
    expect(page.locator("#save-state")).to_have_text("第2版（保存済み）")
    page.locator("#revisions-panel summary").click()
    expect(page.locator("#revisions-panel li .revision-kind")).to_have_text(["照合の取消", "自動作成"])
