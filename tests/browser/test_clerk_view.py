"""Users without the edit permission (clerks, evaluators) on a finished meeting (issue 14, item 6):
the meeting page leads them to a read-only view of the draft, which shows the text with no save,
edit, export or survey controls; clerks hold no export permission, so no downloads either.
Saves docs/screenshots/clerk-meeting-{1366,1024}.png and clerk-readonly-{1366,1024}.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WIDTHS = (1366, 1024)


def _ensure_user(live_server, username: str, role: str, department: str) -> None:
    """Session-scoped server: create each user once."""
    made = live_server.__dict__.setdefault("_clerk_view_users", set())
    if username not in made:
        live_server.create_user(username, role, department)
        made.add(username)


def _check_read_only_view(page: Page, meeting_id: int) -> None:
    """From the meeting page, follow the read-only link and check the draft is readable only."""
    expect(page.get_by_role("link", name="会議録を編集")).to_have_count(0)
    expect(page.get_by_role("link", name="作業アンケート")).to_have_count(0)
    expect(page.locator("#downloads a")).to_have_count(0)
    page.get_by_role("link", name="会議録を見る（閲覧のみ）").click()
    page.wait_for_url(f"**/meetings/{meeting_id}/edit")
    expect(page.locator("#read-only-note")).to_be_visible()
    first = page.locator("#turn-0 .turn-text")
    expect(first).to_be_visible()
    expect(first).not_to_have_text("")
    expect(first).to_have_attribute("contenteditable", "false")
    expect(page.locator("#save-button")).to_have_count(0)
    expect(page.locator("#export-menu")).to_have_count(0)
    expect(page.locator("#find-panel")).to_have_count(0)
    expect(page.locator(".turn-tools")).to_have_count(0)
    expect(page.locator("#turn-0 select.speaker")).to_be_disabled()
    expect(page.locator('a[href$="/survey"]')).to_have_count(0)


def _first_turn(live_server, meeting_id: int) -> dict:
    """The first turn of the meeting's stored revision 1 (what the view must show)."""
    from sqlalchemy import select

    from service.db.models import TranscriptRevision

    with live_server.sessions() as db:
        row = db.scalar(select(TranscriptRevision).where(TranscriptRevision.meeting_id == meeting_id))
        return row.minutes["turns"][0]


def test_clerk_sees_read_only_draft_after_done(page: Page, live_server, login, screenshots_dir: Path) -> None:
    _ensure_user(live_server, "view_clerk", "clerk", "総務課")
    meeting_id = live_server.create_meeting("閲覧テスト委員会")
    login(page, "view_clerk")
    page.goto(f"/meetings/{meeting_id}")
    link = page.get_by_role("link", name="会議録を見る（閲覧のみ）")
    expect(link).to_be_visible()
    expect(page.locator("#export-note")).to_be_visible()
    expect(page.locator("#revision-info")).to_have_text("最新は第1版です。")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 768})
        # the progress bar's width transition, so the picture shows the finished bar
        page.wait_for_function("() => document.getAnimations().every((a) => a.playState === 'finished')")
        page.screenshot(path=screenshots_dir / f"clerk-meeting-{width}.png")
    page.set_viewport_size({"width": 1366, "height": 768})

    _check_read_only_view(page, meeting_id)
    text = page.locator("#turn-0 .turn-text").inner_text()
    saved = _first_turn(live_server, meeting_id)
    assert text in (saved["clean_text"], saved["text"])
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 768})
        page.screenshot(path=screenshots_dir / f"clerk-readonly-{width}.png")


def test_evaluator_gets_the_same_read_only_view(page: Page, live_server, login) -> None:
    # evaluators see their own department's meetings (only admins see every department's)
    _ensure_user(live_server, "view_evaluator", "evaluator", "議会事務局")
    meeting_id = live_server.create_meeting("閲覧テスト本会議", department="議会事務局")
    login(page, "view_evaluator")
    page.goto(f"/meetings/{meeting_id}")
    expect(page.get_by_role("link", name="会議録を見る（閲覧のみ）")).to_be_visible()
    _check_read_only_view(page, meeting_id)


def test_staff_keep_the_edit_link_not_the_read_only_one(page: Page, live_server, login) -> None:
    _ensure_user(live_server, "view_staff", "staff", "総務課")
    meeting_id = live_server.create_meeting("編集テスト委員会")
    login(page, "view_staff")
    page.goto(f"/meetings/{meeting_id}")
    expect(page.get_by_role("link", name="会議録を編集")).to_be_visible()
    expect(page.get_by_role("link", name="会議録を見る（閲覧のみ）")).to_have_count(0)
    expect(page.locator("#downloads a").first).to_be_visible()
