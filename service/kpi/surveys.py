"""Surveys and editing-time logging — the rules, shared by the JSON API
(``service.api.surveys``) and the survey page.

A meeting's survey month is the Japan-time month in which its transcription job finished — the
same month the reports count it in — so closing a month freezes exactly the figures reported
for it. Before the job is done there is nothing to rate and no month: saving answers 409.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.errors import GijirokuError
from service.audit import record
from service.auth.roles import Permission, has_permission
from service.db.base import utcnow
from service.db.models import EditingTime, Job, JobStatus, Meeting, Survey, User
from service.kpi.closures import closure_for, month_closed_error
from service.kpi.figures import minutes_saved
from service.kpi.periods import Period, local_date
from service.schemas import SurveyAnswers

MAX_EDITING_INCREMENT_SECONDS = 3600.0


@dataclass(frozen=True)
class Processing:
    """The meeting's first finished job: when (its report month) and how long it ran."""

    finished_at: dt.datetime
    seconds: float | None

    @property
    def month(self) -> tuple[int, int]:
        day = local_date(self.finished_at)
        return day.year, day.month

    @property
    def label(self) -> str:
        return Period.of_month(*self.month).label


def processing(db: Session, meeting_id: int) -> Processing | None:
    job = db.scalar(
        select(Job)
        .where(Job.meeting_id == meeting_id, Job.status == JobStatus.done, Job.finished_at.is_not(None))
        .order_by(Job.finished_at, Job.id)
        .limit(1)
    )
    if job is None or job.finished_at is None:
        return None
    seconds = (job.finished_at - job.started_at).total_seconds() if job.started_at else None
    return Processing(job.finished_at, seconds)


def not_processed_error() -> GijirokuError:
    return GijirokuError(
        "not_processed",
        "文字起こしが完了していない会議には、アンケートや編集時間を登録できません。",
        "The meeting's transcription has not finished yet.",
        status=409,
    )


def writable_month(db: Session, meeting: Meeting) -> Processing:
    """The meeting's processing, or 409 when it has none or its month is closed."""
    proc = processing(db, meeting.id)
    if proc is None:
        raise not_processed_error()
    if closure_for(db, meeting.department_id, *proc.month) is not None:
        raise month_closed_error(proc.label)
    return proc


def may_answer(user: User) -> bool:
    """The survey rates the editing work (time saved, the draft's quality), so only users who may
    edit the meeting answer it; the meeting's department scope is checked by the caller."""
    return has_permission(user, Permission.edit)


def not_respondent_error() -> GijirokuError:
    return GijirokuError(
        "forbidden",
        "作業アンケートは、会議録を編集できる職員が回答します。",
        "Only users who may edit this meeting's minutes answer its survey.",
        status=403,
    )


def save_survey(db: Session, meeting: Meeting, user: User, answers: SurveyAnswers, ip: str) -> Survey:
    """Create or replace the user's survey for the meeting and audit it (caller commits); 403
    for users who may not edit it, 409 when its month is not writable."""
    if not may_answer(user):
        raise not_respondent_error()
    writable_month(db, meeting)
    survey = get_survey(db, meeting.id, user.id)
    if survey is None:
        survey = Survey(meeting_id=meeting.id, user_id=user.id)
        db.add(survey)
    survey.satisfaction = answers.satisfaction
    survey.continued_use = answers.continued_use
    survey.estimated_minutes = answers.estimated_minutes
    survey.review_minutes = answers.review_minutes
    survey.comment = answers.comment
    survey.updated_at = utcnow()
    db.flush()
    record(db, user, "survey_saved", meeting=meeting, ip=ip)
    return survey


def get_survey(db: Session, meeting_id: int, user_id: int) -> Survey | None:
    return db.scalar(select(Survey).where(Survey.meeting_id == meeting_id, Survey.user_id == user_id))


def editing_seconds(db: Session, meeting_id: int, user_id: int) -> float:
    value = db.scalar(
        select(EditingTime.active_seconds).where(EditingTime.meeting_id == meeting_id, EditingTime.user_id == user_id)
    )
    return float(value or 0.0)


def add_editing_time(db: Session, meeting: Meeting, user: User, seconds: float) -> float:
    """Add an increment atomically (UPDATE … + x; INSERT the first time) and return the total.

    Two tabs sending at once both land: the UPDATE is relative, and an INSERT race loses to the
    unique constraint and is retried as an UPDATE.
    """
    writable_month(db, meeting)
    where = (EditingTime.meeting_id == meeting.id, EditingTime.user_id == user.id)
    bump = (
        update(EditingTime)
        .where(*where)
        .values(active_seconds=EditingTime.active_seconds + seconds, updated_at=utcnow())
    )
    if cast(CursorResult[Any], db.execute(bump)).rowcount == 0:  # an UPDATE's result has a rowcount
        try:
            with db.begin_nested():
                db.add(EditingTime(meeting_id=meeting.id, user_id=user.id, active_seconds=seconds))
        except IntegrityError:
            db.execute(bump)
    return editing_seconds(db, meeting.id, user.id)


@dataclass(frozen=True)
class SurveyStatus:
    """What the survey page and GET /survey show: the answers plus the measured times."""

    survey: Survey | None
    processing: Processing | None
    closed: bool
    editing_seconds: float

    @property
    def minutes_saved(self) -> float | None:
        if self.survey is None:
            return None
        return minutes_saved(self.survey.estimated_minutes, self.editing_seconds, self.survey.review_minutes)


def survey_status(db: Session, meeting: Meeting, user: User) -> SurveyStatus:
    proc = processing(db, meeting.id)
    closed = proc is not None and closure_for(db, meeting.department_id, *proc.month) is not None
    return SurveyStatus(get_survey(db, meeting.id, user.id), proc, closed, editing_seconds(db, meeting.id, user.id))
