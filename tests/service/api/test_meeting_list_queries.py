"""GET /api/meetings loads each meeting's latest job and latest revision for the whole page at
once: the number of SQL statements does not grow with the number of meetings (it was 2 per
meeting)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from kpi_helpers import jst, seed_meeting
from sqlalchemy import event

from service.db.models import Job, JobStatus


def _list_with_statement_count(app: FastAPI, client: TestClient, headers: dict[str, str]) -> tuple[list[Any], int]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = app.state.ctx.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        r = client.get("/api/meetings?per_page=200", headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert r.status_code == 200, r.text
    return r.json()["items"], len(statements)


def test_listing_costs_the_same_statements_for_1_or_20_meetings(app, client, auth):
    h = auth("clerk_a")
    seed_meeting(app, "総務課", jst(2025, 3, 3, 10))
    one, few = _list_with_statement_count(app, client, h)
    for day in range(1, 20):
        seed_meeting(app, "総務課", jst(2025, 4, day, 10), revisions=("下書き", "修正"))
    many, more = _list_with_statement_count(app, client, h)
    assert (len(one), len(many)) == (1, 20)
    assert more == few  # 5 and 5 (token, total, meetings, their jobs, their revisions); before the fix 4 and 42


def test_each_meeting_shows_its_own_latest_job_and_revision(app, client, auth):
    h = auth("clerk_a")
    drafted = seed_meeting(app, "総務課", jst(2025, 3, 3, 10), revisions=("下書き", "修正", "確定"))
    queued = seed_meeting(app, "総務課", None)
    with app.state.ctx.sessions() as db:
        retry = Job(meeting_id=drafted, status=JobStatus.queued)
        db.add(retry)
        db.commit()
        retry_id = retry.id
    listed = {m["id"]: m for m in client.get("/api/meetings", headers=h).json()["items"]}
    assert listed[drafted]["latest_job"]["id"] == retry_id and listed[drafted]["latest_revision"] == 3
    assert listed[queued]["latest_job"]["status"] == "queued" and listed[queued]["latest_revision"] is None
    single = client.get(f"/api/meetings/{drafted}", headers=h).json()
    assert single["latest_job"]["id"] == retry_id and single["latest_revision"] == 3
