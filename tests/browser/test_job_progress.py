"""A job that ended without a draft shows that, not the percentage it stopped at: an upload with no
speech fails at 8 %, and its bar stayed at 8 % on the meeting page and in 会議一覧 as if it were still
working. Seeded jobs, no pipeline run. Screenshots: job-failed-1366.png, job-failed-list-1366.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import update

from service.db.models import Job, JobStatus

pytestmark = pytest.mark.browser

NO_SPEECH = "音声から発言を検出できませんでした。"


def _end(live_server, meeting_id: int, status: JobStatus, percent: float, stage: str, error: str | None) -> None:
    with live_server.sessions() as db:
        db.execute(
            update(Job)
            .where(Job.meeting_id == meeting_id)
            .values(status=status, percent=percent, stage=stage, error_ja=error, error=error)
        )
        db.commit()


def _ended(progress: Locator, text: str) -> None:
    expect(progress.locator(".progress-text")).to_have_text(text)
    expect(progress.locator(".progress-bar")).to_be_hidden()
    expect(progress).not_to_contain_text("%")


def test_failed_and_cancelled_jobs_show_their_state_instead_of_a_stuck_bar(
    page: Page, live_server, login, screenshots_dir: Path
) -> None:
    live_server.create_user("progress_clerk", "clerk", "総務課")
    failed = live_server.create_meeting("進捗表示 発言なし")
    cancelled = live_server.create_meeting("進捗表示 中止")
    live_server.create_meeting("進捗表示 完了")
    _end(live_server, failed, JobStatus.failed, 8.0, "decode", NO_SPEECH)
    _end(live_server, cancelled, JobStatus.cancelled, 40.0, "transcribe", None)
    login(page, "progress_clerk")

    page.goto(f"/meetings/{failed}")
    expect(page.locator("#job-badge")).to_have_text("失敗")
    expect(page.locator("#job-error")).to_contain_text(NO_SPEECH)
    _ended(page.locator("#job-progress .progress"), "失敗しました")
    page.screenshot(path=str(screenshots_dir / "job-failed-1366.png"))

    page.goto("/meetings?q=進捗表示")
    rows = page.locator("#meetings-body tr")
    expect(rows).to_have_count(3)
    _ended(rows.filter(has_text="発言なし").locator(".progress"), "失敗しました")
    _ended(rows.filter(has_text="中止").locator(".progress"), "中止しました")
    done = rows.filter(has_text="完了").locator(".progress")  # a job that ended with its draft keeps the bar
    expect(done.locator(".progress-text")).to_have_text("100%")
    expect(done.locator(".progress-bar")).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "job-failed-list-1366.png"))
