"""Seeding for the survey/KPI report tests: processed meetings written straight to the database
(finish times chosen by the test, e.g. either side of the fiscal-year boundary) — the job runner
would stamp "now"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from models.types import MeetingInfo, Minutes, Speaker, Turn
from service.db.models import Department, Job, JobStatus, Meeting, TranscriptRevision

JST = dt.timezone(dt.timedelta(hours=9))


def jst(*args: int) -> dt.datetime:
    """An aware Japan-time datetime: ``jst(2025, 3, 31, 23, 30)``."""
    return dt.datetime(*args, tzinfo=JST)


def minutes_dict(text: str) -> dict[str, Any]:
    return Minutes(
        MeetingInfo(), [Speaker("SPEAKER_00", "話者1")], [Turn("SPEAKER_00", 0.0, 1.0, text, text)]
    ).to_dict()


def seed_meeting(
    app: FastAPI,
    department: str,
    finished_at: dt.datetime | None,
    *,
    duration: float = 3600.0,
    processing_seconds: float = 600.0,
    revisions: tuple[str, ...] = ("本日の委員会を開会します。",),
    title: str = "委員会",
    quality_grade: str | None = None,
) -> int:
    """A meeting of ``department`` whose job finished at ``finished_at`` (None: still queued),
    with one transcript revision per text (revision 1 = the draft) and, given ``quality_grade``,
    a recording quality of that grade on its job. Returns the meeting id."""
    with app.state.ctx.sessions() as db:
        dept_id = db.scalar(select(Department.id).where(Department.name == department))
        meeting = Meeting(department_id=dept_id, title=title, duration=duration, audio_path=None)
        db.add(meeting)
        db.flush()
        if finished_at is None:
            db.add(Job(meeting_id=meeting.id, status=JobStatus.queued))
        else:
            db.add(
                Job(
                    meeting_id=meeting.id,
                    status=JobStatus.done,
                    stage="done",
                    percent=100.0,
                    started_at=finished_at - dt.timedelta(seconds=processing_seconds),
                    finished_at=finished_at,
                    recording_quality={"grade": quality_grade} if quality_grade else None,
                )
            )
            for n, text in enumerate(revisions, start=1):
                db.add(
                    TranscriptRevision(
                        meeting_id=meeting.id, revision=n, base_revision=n - 1 or None, minutes=minutes_dict(text)
                    )
                )
        db.commit()
        return meeting.id


def answer(
    client: Any,
    headers: dict[str, str],
    meeting_id: int,
    satisfaction: str,
    continued_use: str,
    estimated: float,
    review: float = 0.0,
    editing: tuple[float, ...] = (),
    comment: str = "",
) -> None:
    """Log editing-time increments, then save the survey, through the API (asserting success)."""
    for seconds in editing:
        r = client.post(f"/api/meetings/{meeting_id}/editing-time", headers=headers, json={"active_seconds": seconds})
        assert r.status_code == 200, r.text
    r = client.put(
        f"/api/meetings/{meeting_id}/survey",
        headers=headers,
        json={
            "satisfaction": satisfaction,
            "continued_use": continued_use,
            "estimated_minutes": estimated,
            "review_minutes": review,
            "comment": comment,
        },
    )
    assert r.status_code == 200, r.text
