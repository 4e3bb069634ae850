"""再処理 in the browser (issue 15): a clerk adds a 会議資料 to a finished meeting whose transcript
staff have already edited, re-runs it, confirms in the dialog that names the edited version, and the
live server's pipeline (the real one by default) writes a new draft on top; the edited version stays
in the history. Screenshots: docs/screenshots/rerun-confirm-1366.png, rerun-done-1366.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]  # one pipeline run of the real model

AGENDA = "総務委員会　資料\n1　令和6年度補正予算（総額　約3億5,000万円）\n説明者　財政課長　佐藤\n"


def test_clerk_adds_a_material_to_a_done_meeting_and_reruns_it(
    page: Page, live_server, login, tmp_path: Path, screenshots_dir: Path
) -> None:
    from service.db.models import AuditLog, TranscriptRevision

    live_server.create_user("rerun_clerk", "clerk", "総務課")
    editor = live_server.create_user("rerun_staff", "staff", "総務課")
    meeting_id = live_server.create_meeting("再処理テスト")
    with live_server.sessions() as db:  # staff corrected the draft before the 資料 arrived
        draft = db.scalar(select(TranscriptRevision).where(TranscriptRevision.meeting_id == meeting_id))
        edited = {**draft.minutes, "turns": [{**draft.minutes["turns"][0], "text": "職員が直した発言。"}]}
        db.add(
            TranscriptRevision(
                meeting_id=meeting_id, revision=2, base_revision=1, minutes=edited, author_id=editor.id, kind="manual"
            )
        )
        db.commit()
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, "rerun_clerk")
    page.goto(f"/meetings/{meeting_id}")
    rerun = page.get_by_role("button", name="資料を反映して再処理")
    expect(rerun).to_be_visible()
    expect(page.locator("#rerun-note")).to_contain_text("これまでの版は版の履歴に残ります")

    agenda = tmp_path / "補正予算資料.txt"
    agenda.write_text(AGENDA, encoding="utf-8")
    page.locator("#materials-input").set_input_files(str(agenda))
    page.get_by_role("button", name="資料を追加").click()
    expect(page.locator("#materials-files")).to_contain_text("補正予算資料.txt")
    expect(page.locator("#toast")).to_contain_text("「資料を反映して再処理」で会議録に反映できます")

    rerun.click()
    dialog = page.get_by_role("dialog", name="職員の修正がある会議録の再処理")
    expect(dialog).to_contain_text("第2版")
    expect(dialog).to_contain_text("版の履歴に残ります")
    page.screenshot(path=str(screenshots_dir / "rerun-confirm-1366.png"))
    dialog.get_by_role("button", name="キャンセル").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#job-badge")).to_have_text("完了")  # cancelled: nothing was queued

    rerun.click()
    page.get_by_role("dialog").get_by_role("button", name="再処理する").click()
    expect(rerun).to_be_hidden()
    expect(page.locator("#draft-link")).to_be_hidden()
    expect(page.locator("#job-badge")).to_have_text("完了", timeout=600_000)
    expect(page.locator("#revision-info")).to_have_text("最新は第3版です。")
    expect(rerun).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "rerun-done-1366.png"))

    with live_server.sessions() as db:
        rows = db.scalars(
            select(TranscriptRevision)
            .where(TranscriptRevision.meeting_id == meeting_id)
            .order_by(TranscriptRevision.revision)
        ).all()
        assert [(r.revision, r.kind, r.author_id) for r in rows] == [
            (1, "draft", None),
            (2, "manual", editor.id),
            (3, "draft", None),
        ]
        assert rows[1].minutes["turns"][0]["text"] == "職員が直した発言。"
        audit = db.scalars(
            select(AuditLog).where(AuditLog.action == "job_rerun", AuditLog.target_id == meeting_id)
        ).all()
        assert [(a.username, a.detail["over_staff_edits"]) for a in audit] == [("rerun_clerk", True)]


def test_edits_saved_during_a_rerun_stay_the_latest_and_the_pages_say_where_its_draft_is(
    page: Page, live_server, login, screenshots_dir: Path
) -> None:
    """The versions a re-run leaves when staff saved while it ran (service.jobs.states.finish_done),
    seeded: 1 draft, 2 staff's edit, 3 the re-run's draft, 4 staff's edit kept on top of it."""
    from service.db.models import TranscriptRevision

    editor = live_server.create_user("kept_staff", "staff", "総務課")
    meeting_id = live_server.create_meeting("再処理中の編集")
    with live_server.sessions() as db:
        draft = db.scalar(select(TranscriptRevision).where(TranscriptRevision.meeting_id == meeting_id))
        said = "再処理中に職員が直した発言。"
        turn = {**draft.minutes["turns"][0], "text": said, "clean_text": said, "words": []}
        edited = {**draft.minutes, "turns": [turn]}
        for revision, minutes, author, kind in (
            (2, edited, editor.id, "manual"),
            (3, draft.minutes, None, "draft"),
            (4, edited, editor.id, "kept"),
        ):
            db.add(
                TranscriptRevision(
                    meeting_id=meeting_id,
                    revision=revision,
                    base_revision=revision - 1,
                    minutes=minutes,
                    author_id=author,
                    kind=kind,
                )
            )
        db.commit()
    notice = (
        "再処理中に保存された編集があったため、編集内容を最新版として残しました。再処理の結果は第3版で確認できます。"
    )
    login(page, "kept_staff")
    page.goto(f"/meetings/{meeting_id}")
    expect(page.locator("#revision-info")).to_have_text("最新は第4版です。")
    expect(page.locator("#rerun-kept")).to_have_text(notice)
    page.screenshot(path=str(screenshots_dir / "rerun-kept-meeting-1366.png"))

    page.goto(f"/meetings/{meeting_id}/edit")
    expect(page.locator("#save-state")).to_have_text("第4版（保存済み）")
    expect(page.locator("#kept-note")).to_have_text(notice)
    expect(page.locator("#turn-0")).to_contain_text("再処理中に職員が直した発言。")
    page.screenshot(path=str(screenshots_dir / "rerun-kept-editor-1366.png"))
    page.locator("#revisions-panel summary").click()
    history = page.locator("#revisions-panel li")
    expect(history.first).to_contain_text("第4版")
    expect(history.first.locator(".revision-kind")).to_have_text("再処理中の編集")

    page.locator("#turn-0 .turn-text").click()  # a later save is what replaces the notice
    page.keyboard.press("End")
    page.keyboard.type("以上")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#save-state")).to_have_text("第5版（保存済み）")
    expect(page.locator("#kept-note")).to_be_hidden()
