"""GET /api/meetings pages through everything a user may see (issue 14 item 2: with 56 meetings the
oldest fell off the 50-row list): ``{items, total, page, per_page}``, sort orders, filters by
status, date (Japan time) and department, and department scoping that a parameter cannot widen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from service.db.models import Department, Job, JobStatus, Meeting

UTC = dt.UTC
START = dt.datetime(2025, 4, 1, 1, 0, tzinfo=UTC)  # 2025-04-01 10:00 Japan time


def _seed(
    app: FastAPI,
    department: str,
    title: str,
    created_at: dt.datetime,
    *,
    held_at: dt.datetime | None = None,
    status: JobStatus | None = JobStatus.done,
) -> int:
    """A meeting row with a chosen upload time (the API's default order) and latest job status."""
    with app.state.ctx.sessions() as db:
        dept_id = db.scalar(select(Department.id).where(Department.name == department))
        meeting = Meeting(department_id=dept_id, title=title, held_at=held_at, audio_path=None, created_at=created_at)
        db.add(meeting)
        db.flush()
        if status is not None:
            db.add(Job(meeting_id=meeting.id, status=JobStatus.failed))  # an older attempt: never the one listed
            db.add(Job(meeting_id=meeting.id, status=status))
        db.commit()
        return meeting.id


def _get(client: TestClient, headers: dict[str, str], query: str = "") -> dict[str, Any]:
    r = client.get(f"/api/meetings{query}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def _titles(page: dict[str, Any]) -> list[str]:
    return [m["title"] for m in page["items"]]


@pytest.fixture
def fifty_six(app: FastAPI, client: TestClient) -> list[int]:
    """56 meetings of 総務課 uploaded a day apart (第1回 the oldest), and one of 議会事務局."""
    ids = [_seed(app, "総務課", f"第{n}回", START + dt.timedelta(days=n)) for n in range(1, 57)]
    _seed(app, "議会事務局", "本会議", START)
    return ids


def test_second_page_holds_the_oldest_meeting(client, auth, fifty_six):
    h = auth("clerk_a")
    first = _get(client, h)
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (56, 1, 50, 50)
    assert _titles(first)[0] == "第56回" and "第1回" not in _titles(first)
    second = _get(client, h, "?page=2")
    assert (second["total"], second["page"]) == (56, 2)
    assert _titles(second) == [f"第{n}回" for n in range(6, 0, -1)]  # the oldest is last on page 2
    assert _get(client, h, "?page=3")["items"] == []  # past the end: empty, the total still tells
    small = _get(client, h, "?per_page=20&page=3")
    assert small["total"] == 56 and len(small["items"]) == 16
    assert len(_get(client, h, "?per_page=200")["items"]) == 56


def test_sort_orders(app, client, auth):
    h = auth("staff_a")
    _seed(app, "総務課", "い予算", START, held_at=dt.datetime(2025, 5, 1, 10), status=JobStatus.running)
    _seed(app, "総務課", "あ議会", START + dt.timedelta(hours=1), held_at=None, status=JobStatus.failed)
    _seed(app, "総務課", "う委員会", START + dt.timedelta(hours=2), held_at=dt.datetime(2025, 3, 1, 9))
    _seed(app, "総務課", "え定例会", START + dt.timedelta(hours=3), held_at=dt.datetime(2025, 6, 1, 9))

    def order(sort: str) -> list[str]:
        return _titles(_get(client, h, f"?sort={sort}"))

    assert order("-created_at") == ["え定例会", "う委員会", "あ議会", "い予算"] == _titles(_get(client, h))
    assert order("created_at") == ["い予算", "あ議会", "う委員会", "え定例会"]
    # 開催日: meetings without one come last in both directions
    assert order("-held_at") == ["え定例会", "い予算", "う委員会", "あ議会"]
    assert order("held_at") == ["う委員会", "い予算", "え定例会", "あ議会"]
    assert order("title") == ["あ議会", "い予算", "う委員会", "え定例会"]
    assert order("-title") == ["え定例会", "う委員会", "い予算", "あ議会"]
    # 状態 in workflow order (待機中, 処理中, 完了, 失敗, 中止) by the latest job; ties newest first
    assert order("status") == ["い予算", "え定例会", "う委員会", "あ議会"]
    assert order("-status") == ["あ議会", "え定例会", "う委員会", "い予算"]


def test_filters_by_status_date_and_text_count_the_filtered_total(app, client, auth):
    h = auth("staff_a")
    done_march = _seed(app, "総務課", "三月委員会", START, held_at=dt.datetime(2025, 3, 31, 23, 30))
    failed_april = _seed(
        app, "総務課", "四月委員会", START, held_at=dt.datetime(2025, 4, 1, 0, 0), status=JobStatus.failed
    )
    # no 日時: its Japan-time upload date counts (2025-04-01 15:30 UTC is 4月2日 00:30 in Japan)
    undated = _seed(app, "総務課", "日付なし", dt.datetime(2025, 4, 1, 15, 30, tzinfo=UTC), status=JobStatus.queued)

    def ids(query: str) -> list[int]:
        page = _get(client, h, query)
        assert page["total"] == len(page["items"])
        return sorted(m["id"] for m in page["items"])

    assert ids("?status=failed") == [failed_april]  # the latest job counts, not the older failed one
    assert ids("?status=done") == [done_march]
    assert ids("?from=2025-04-01") == [failed_april, undated]
    assert ids("?to=2025-03-31") == [done_march]
    assert ids("?from=2025-04-02&to=2025-04-02") == [undated]
    assert ids("?from=2025-04-01&to=2025-04-01") == [failed_april]
    assert ids("?q=委員会&from=2025-04-01") == [failed_april]
    assert ids("?status=running") == []


def test_department_scoping_cannot_be_widened_by_a_parameter(app, client, auth, fifty_six):
    with app.state.ctx.sessions() as db:
        own, other = (db.scalar(select(Department.id).where(Department.name == n)) for n in ("総務課", "議会事務局"))
    for user in ("clerk_a", "staff_a"):
        r = client.get(f"/api/meetings?department_id={other}", headers=auth(user))
        assert r.status_code == 403, r.text
        assert r.json()["error"] == "forbidden" and r.json()["message_ja"] and r.json()["message_en"]
        assert _get(client, auth(user), f"?department_id={own}")["total"] == 56
    assert client.get(f"/api/meetings?department_id={own}", headers=auth("evaluator")).status_code == 403
    assert _get(client, auth("evaluator"))["total"] == 0  # meetings stay department-scoped for evaluators
    admin = auth("admin")
    assert _get(client, admin)["total"] == 57
    assert _titles(_get(client, admin, f"?department_id={other}")) == ["本会議"]
    assert _get(client, admin, f"?department_id={own}")["total"] == 56
    assert _get(client, admin, "?department_id=999")["total"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=x", "page"),
        ("per_page=0", "per_page"),
        ("per_page=201", "per_page"),
        ("sort=duration", "sort"),
        ("sort=-", "sort"),
        ("status=done,failed", "status"),
        ("from=2025-13-01", "from"),
        ("to=yesterday", "to"),
        ("department_id=0", "department_id"),
        ("department_id=99999999999", "department_id"),
    ],
)
def test_bad_parameters_answer_422_in_both_languages(client, auth, query, field):
    r = client.get(f"/api/meetings?{query}", headers=auth("staff_a"))
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "invalid_request"
    assert body["message_ja"] and field in body["message_en"]


def test_reversed_date_range_is_refused_in_both_languages(client, auth):
    r = client.get("/api/meetings?from=2025-05-01&to=2025-04-01", headers=auth("staff_a"))
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "invalid_date_range"
    assert "開始日" in body["message_ja"] and "from" in body["message_en"]


def test_a_filtered_sorted_page_costs_the_same_statements_for_1_or_50_meetings(app, client, auth, fifty_six):
    """The status filter and sort are subqueries of the one list query; the page's jobs and
    revisions are still loaded once for the whole page (test_meeting_list_queries.py)."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    h = auth("staff_a")
    engine = app.state.ctx.engine
    costs = []
    for per_page in (1, 50):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            page = _get(client, h, f"?per_page={per_page}&status=done&sort=-status&from=2025-01-01")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert (len(page["items"]), page["total"]) == (per_page, 56)
        costs.append(len(statements))
    assert costs[0] == costs[1]
