"""Database rows → KPI figures: which meetings a period counts (their first finished job), their
surveys with the respondents' editing time, and their edit rates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from service.auth.roles import Permission, roles_with
from service.db.models import Department, EditingTime, Job, JobStatus, Meeting, Survey, TranscriptRevision, User
from service.kpi.figures import MeetingFigures, SurveyFigures, edit_rate, turns_text
from service.kpi.periods import JST, local_date


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), JST).astimezone(dt.UTC)


def meeting_figures(db: Session, department_ids: list[int], start: dt.date, end: dt.date) -> list[MeetingFigures]:
    """Figures of the meetings whose first finished job finished in [start, end) Japan time."""
    if not department_ids:
        return []
    first_done = (
        select(Job.meeting_id, func.min(Job.finished_at).label("finished_at"))
        .join(Meeting, Meeting.id == Job.meeting_id)
        .where(Job.status == JobStatus.done, Job.finished_at.is_not(None), Meeting.department_id.in_(department_ids))
        .group_by(Job.meeting_id)
        .subquery()
    )
    rows = db.execute(
        select(Meeting.id, Department.name, Meeting.duration, Job.started_at, Job.finished_at, Job.recording_quality)
        .join(first_done, first_done.c.meeting_id == Meeting.id)
        .join(
            Job,
            and_(
                Job.meeting_id == Meeting.id, Job.finished_at == first_done.c.finished_at, Job.status == JobStatus.done
            ),
        )
        .join(Department, Department.id == Meeting.department_id)
        .where(first_done.c.finished_at >= _utc(start), first_done.c.finished_at < _utc(end))
        .order_by(Meeting.id)
    ).all()
    processed: dict[int, tuple[str, float, float, dt.date, str | None]] = {}
    for meeting_id, department, duration, started_at, finished_at, quality in rows:
        if meeting_id in processed:  # two done jobs finishing at the same instant: count once
            continue
        assert finished_at is not None  # the query keeps finished jobs only
        seconds = (finished_at - started_at).total_seconds() if started_at else 0.0  # UTCDateTime: aware
        grade = (quality or {}).get("grade")
        processed[meeting_id] = (department, float(duration or 0.0), max(seconds, 0.0), local_date(finished_at), grade)
    ids = list(processed)
    surveys = _surveys(db, ids)
    rates = _edit_rates(db, ids)
    return [
        MeetingFigures(
            department=department,
            processed_on=day,
            audio_seconds=audio,
            processing_seconds=proc,
            edit_rate=rates.get(mid),
            surveys=tuple(surveys.get(mid, ())),
            quality_grade=grade,
        )
        for mid, (department, audio, proc, day, grade) in processed.items()
    ]


def _surveys(db: Session, meeting_ids: list[int]) -> dict[int, list[SurveyFigures]]:
    out: dict[int, list[SurveyFigures]] = defaultdict(list)
    if not meeting_ids:
        return out
    rows = db.execute(
        select(Survey, EditingTime.active_seconds)
        .join(User, User.id == Survey.user_id)
        .outerjoin(
            EditingTime, and_(EditingTime.meeting_id == Survey.meeting_id, EditingTime.user_id == Survey.user_id)
        )
        # only users who may edit answer (service.kpi.surveys.may_answer); this also drops answers
        # clerks and evaluators stored before that rule existed
        .where(Survey.meeting_id.in_(meeting_ids), User.role.in_(roles_with(Permission.edit)))
        .order_by(Survey.id)
    ).all()
    for survey, seconds in rows:
        out[survey.meeting_id].append(
            SurveyFigures(
                satisfaction=survey.satisfaction,
                continued_use=survey.continued_use,
                estimated_minutes=survey.estimated_minutes,
                review_minutes=survey.review_minutes,
                editing_seconds=float(seconds or 0.0),
            )
        )
    return out


_EDIT_RATE_CACHE: dict[tuple[str, int, int, int], float | None] = {}
_EDIT_RATE_CACHE_SIZE = 20_000


def _edit_rates(db: Session, meeting_ids: list[int]) -> dict[int, float | None]:
    """Draft (revision 1) vs the latest revision, for meetings with at least two revisions.

    Minutes JSON with word timings runs to megabytes per revision, so the texts are loaded one
    meeting at a time and each result is cached under the two revision rows' ids (revisions are
    never modified, only added), so a page view normally recomputes nothing.
    """
    if not meeting_ids:
        return {}
    first = aliased(TranscriptRevision)
    last = aliased(TranscriptRevision)
    latest = (
        select(TranscriptRevision.meeting_id, func.max(TranscriptRevision.revision).label("last"))
        .where(TranscriptRevision.meeting_id.in_(meeting_ids))
        .group_by(TranscriptRevision.meeting_id)
        .having(func.count() >= 2)
        .subquery()
    )
    pairs = db.execute(
        select(latest.c.meeting_id, first.id, last.id)
        .join(first, and_(first.meeting_id == latest.c.meeting_id, first.revision == 1))
        .join(last, and_(last.meeting_id == latest.c.meeting_id, last.revision == latest.c.last))
    ).all()
    database = str(db.get_bind().engine.url)
    out: dict[int, float | None] = {}
    for meeting_id, first_id, last_id in pairs:
        key = (database, meeting_id, first_id, last_id)
        if key in _EDIT_RATE_CACHE:
            out[meeting_id] = _EDIT_RATE_CACHE.get(key)
            continue
        draft = db.scalar(select(TranscriptRevision.minutes).where(TranscriptRevision.id == first_id))
        final = db.scalar(select(TranscriptRevision.minutes).where(TranscriptRevision.id == last_id))
        rate = edit_rate(turns_text(draft or {}), turns_text(final or {}))
        if len(_EDIT_RATE_CACHE) >= _EDIT_RATE_CACHE_SIZE:
            _EDIT_RATE_CACHE.clear()
        _EDIT_RATE_CACHE[key] = out[meeting_id] = rate
    return out
