"""会議一覧 pages through more than 50 meetings (issue 14 item 2: the 56th, oldest meeting was
unreachable without searching); sort, filters and the page live in the URL, so reload and the
browser's back button keep them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from service.db.models import Department, Job, JobStatus, Meeting

pytestmark = pytest.mark.browser

DEPARTMENT = "議事課"  # this module's own: the live server is shared by the whole session
START = dt.datetime(2025, 4, 1, 1, 0, tzinfo=dt.UTC)


def _seed_meetings(live_server, count: int) -> None:
    """``count`` meetings uploaded a day apart (第1回 the oldest), written straight to the database;
    第2回 failed, the rest are done."""
    with live_server.sessions() as db:
        dept = Department(name=DEPARTMENT)
        db.add(dept)
        db.flush()
        for n in range(1, count + 1):
            day = START + dt.timedelta(days=n)
            meeting = Meeting(
                department_id=dept.id,
                title=f"議事第{n}回",
                held_at=day.replace(tzinfo=None) + dt.timedelta(hours=9),
                place="第1委員会室",
                audio_path=None,
                duration=600.0,
                created_at=day,
            )
            db.add(meeting)
            db.flush()
            if n == 2:
                db.add(Job(meeting_id=meeting.id, status=JobStatus.failed, stage="transcribe", percent=35.0))
            else:
                db.add(Job(meeting_id=meeting.id, status=JobStatus.done, stage="done", percent=100.0))
        db.commit()


@pytest.fixture(scope="module")
def paging_users(live_server) -> None:
    _seed_meetings(live_server, 56)
    live_server.create_user("paging_staff", "staff", DEPARTMENT)
    live_server.create_user("paging_admin", "admin")


def _rows(page: Page):
    return page.locator("#meetings-body tr")


def _pager(page: Page, where: str):
    return page.get_by_role("navigation", name=f"ページ送り（一覧の{where}）")


def test_oldest_meeting_reachable_by_paging(page: Page, live_server, login, paging_users, screenshots_dir: Path):
    login(page, "paging_staff")
    page.goto("/meetings")
    summary = page.locator("#meetings-summary")
    expect(summary).to_have_text("全56件中 1–50件")
    expect(_rows(page)).to_have_count(50)
    expect(_rows(page).first).to_contain_text("議事第56回")
    expect(page.get_by_role("link", name="議事第1回", exact=True)).to_have_count(0)
    expect(_pager(page, "上").get_by_role("button", name="前のページ")).to_be_disabled()
    expect(page.get_by_label("部署")).to_have_count(0)  # staff see their own department only

    _pager(page, "下").get_by_role("button", name="次のページ").click()  # where 50 rows end
    expect(summary).to_have_text("全56件中 51–56件")
    expect(page.get_by_role("link", name="議事第1回", exact=True)).to_be_visible()
    expect(_rows(page).last).to_contain_text("議事第1回")
    expect(_pager(page, "上").get_by_role("button", name="次のページ")).to_be_disabled()
    expect(_pager(page, "上")).to_contain_text("2 / 2 ページ")
    assert re.search(r"[?&]page=2\b", page.url)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=str(screenshots_dir / "meetings-paging-1366.png"))

    page.reload()  # the page is in the URL
    expect(summary).to_have_text("全56件中 51–56件")
    page.go_back()
    expect(summary).to_have_text("全56件中 1–50件")

    page.get_by_label("並び順").select_option(label="登録日（古い順）")
    expect(_rows(page).first).to_contain_text("議事第1回")
    expect(summary).to_have_text("全56件中 1–50件")
    assert "sort=created_at" in page.url

    page.get_by_label("状態").select_option(label="失敗")
    expect(summary).to_have_text("全1件中 1–1件")
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first).to_contain_text("議事第2回")
    page.get_by_label("状態").select_option(label="すべて")

    page.get_by_label("開催日（から）").fill("2025-04-10")
    page.get_by_label("開催日（まで）").fill("2025-04-12")
    page.get_by_role("button", name="絞り込む").click()
    expect(summary).to_have_text("全3件中 1–3件")
    expect(_rows(page).first).to_contain_text("議事第9回")  # held 4月10日 10:00 Japan time
    page.reload()
    expect(page.get_by_label("開催日（から）")).to_have_value("2025-04-10")
    expect(summary).to_have_text("全3件中 1–3件")


def test_admin_filters_by_department(page: Page, live_server, login, paging_users, screenshots_dir: Path):
    login(page, "paging_admin")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto("/meetings")
    page.get_by_label("部署").select_option(label=DEPARTMENT)
    summary = page.locator("#meetings-summary")
    expect(summary).to_have_text("全56件中 1–50件")
    assert re.search(r"department_id=\d+", page.url)
    expect(_pager(page, "上").get_by_role("button", name="次のページ")).to_be_enabled()
    page.screenshot(path=str(screenshots_dir / "meetings-paging-1024.png"))
