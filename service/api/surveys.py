"""Per-meeting satisfaction survey (one per user × meeting) and the editor's active-time log.

Users who may edit the meeting answer for themselves (403 for clerks and evaluators); that rule
and the month rules (409 before the job is done or after the month is closed) live in
``service.surveys``.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from evaluation.kpi import CONTINUED_USE_LABELS, SATISFACTION_LABELS, ContinuedUse, Satisfaction
from service.audit import record
from service.deps import SessionDep, Viewer, VisibleMeeting, client_ip
from service.surveys import (
    MAX_EDITING_INCREMENT_SECONDS,
    SurveyAnswers,
    SurveyStatus,
    add_editing_time,
    save_survey,
    survey_status,
)

router = APIRouter(prefix="/api/meetings/{meeting_id}", tags=["surveys"])


class SurveyIn(BaseModel):
    satisfaction: Satisfaction = Field(description="very_satisfied=大変満足 … very_dissatisfied=大変不満")
    continued_use: ContinuedUse = Field(description="yes=はい / no=いいえ / unsure=わからない")
    estimated_minutes: float = Field(ge=0, le=14_400, description="システムなしで作成した場合の見込み時間（分）")
    review_minutes: float = Field(default=0.0, ge=0, le=14_400, description="編集画面の外で確認に使った時間（分）")
    comment: str = Field(default="", max_length=4000)


class Choice(BaseModel):
    value: str
    label: str


class SurveyAnswersOut(BaseModel):
    satisfaction: Satisfaction
    satisfaction_label: str
    continued_use: ContinuedUse
    continued_use_label: str
    estimated_minutes: float
    review_minutes: float
    comment: str
    updated_at: dt.datetime


class SurveyOut(BaseModel):
    meeting_id: int
    answered: bool
    survey: SurveyAnswersOut | None
    month_label: str | None = Field(description="集計月（文字起こし完了月）、例: 令和7年3月")
    closed: bool = Field(description="集計月が締め済みで変更できない")
    editing_seconds: float = Field(description="編集画面で計測した作業時間（秒、このユーザー）")
    processing_seconds: float | None = Field(description="文字起こし処理時間（秒）")
    minutes_saved: float | None = Field(description="見込み時間 −（編集時間 + 確認時間）。マイナスもそのまま")
    negative: bool
    satisfaction_choices: list[Choice]
    continued_use_choices: list[Choice]


SATISFACTION_CHOICES = [Choice(value=k.value, label=v) for k, v in SATISFACTION_LABELS.items()]
CONTINUED_USE_CHOICES = [Choice(value=k.value, label=v) for k, v in CONTINUED_USE_LABELS.items()]


def survey_out(meeting_id: int, status: SurveyStatus) -> SurveyOut:
    s = status.survey
    answers = None
    if s is not None:
        answers = SurveyAnswersOut(
            satisfaction=s.satisfaction,
            satisfaction_label=SATISFACTION_LABELS[Satisfaction(s.satisfaction)],
            continued_use=s.continued_use,
            continued_use_label=CONTINUED_USE_LABELS[ContinuedUse(s.continued_use)],
            estimated_minutes=s.estimated_minutes,
            review_minutes=s.review_minutes,
            comment=s.comment,
            updated_at=s.updated_at,
        )
    saved = status.minutes_saved
    return SurveyOut(
        meeting_id=meeting_id,
        answered=s is not None,
        survey=answers,
        month_label=status.processing.label if status.processing else None,
        closed=status.closed,
        editing_seconds=status.editing_seconds,
        processing_seconds=status.processing.seconds if status.processing else None,
        minutes_saved=saved,
        negative=saved is not None and saved < 0,
        satisfaction_choices=SATISFACTION_CHOICES,
        continued_use_choices=CONTINUED_USE_CHOICES,
    )


@router.get("/survey", response_model=SurveyOut)
def get_survey(meeting: VisibleMeeting, user: Viewer, db: SessionDep) -> SurveyOut:
    """The caller's own answers (``survey`` null until answered) and the measured times."""
    return survey_out(meeting.id, survey_status(db, meeting, user))


@router.put("/survey", response_model=SurveyOut)
def put_survey(body: SurveyIn, meeting: VisibleMeeting, user: Viewer, db: SessionDep, request: Request) -> SurveyOut:
    """Create or replace the caller's answers; 409 before the transcript exists or once the
    month is closed."""
    answers = SurveyAnswers(
        body.satisfaction, body.continued_use, body.estimated_minutes, body.review_minutes, body.comment.strip()
    )
    save_survey(db, meeting, user, answers)
    record(db, user, "survey_saved", meeting=meeting, ip=client_ip(request))
    db.commit()
    return survey_out(meeting.id, survey_status(db, meeting, user))


class EditingTimeIn(BaseModel):
    active_seconds: float = Field(gt=0, le=MAX_EDITING_INCREMENT_SECONDS, description="前回送信以降の実作業時間（秒）")


class EditingTimeOut(BaseModel):
    meeting_id: int
    total_seconds: float


@router.post("/editing-time", response_model=EditingTimeOut)
def post_editing_time(body: EditingTimeIn, meeting: VisibleMeeting, user: Viewer, db: SessionDep) -> EditingTimeOut:
    """Add an increment of active editing time (the editor sends these periodically). Not
    audited: it fires every few minutes while someone edits and carries no content."""
    total = add_editing_time(db, meeting, user, body.active_seconds)
    db.commit()
    return EditingTimeOut(meeting_id=meeting.id, total_seconds=total)
