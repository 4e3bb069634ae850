"""Per-meeting satisfaction survey (one per user × meeting) and the editor's active-time log.

Users who may edit the meeting answer for themselves (403 for clerks and evaluators); that rule
and the month rules (409 before the job is done or after the month is closed) live in
``service.kpi.surveys``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from service.deps import Editor, SessionDep, Viewer, VisibleMeeting, client_ip
from service.kpi.answers import CONTINUED_USE_LABELS, SATISFACTION_LABELS
from service.kpi.surveys import (
    MAX_EDITING_INCREMENT_SECONDS,
    SurveyStatus,
    add_editing_time,
    save_survey,
    survey_status,
)
from service.schemas import SurveyAnswers, SurveyAnswersOut

router = APIRouter(prefix="/api/meetings/{meeting_id}", tags=["surveys"])


class Choice(BaseModel):
    value: str
    label: str


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
    saved = status.minutes_saved
    return SurveyOut(
        meeting_id=meeting_id,
        answered=s is not None,
        survey=None if s is None else SurveyAnswersOut.model_validate(s),
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
def put_survey(
    body: SurveyAnswers, meeting: VisibleMeeting, user: Viewer, db: SessionDep, request: Request
) -> SurveyOut:
    """Create or replace the caller's answers; 409 before the transcript exists or once the
    month is closed."""
    save_survey(db, meeting, user, body, client_ip(request))
    db.commit()
    return survey_out(meeting.id, survey_status(db, meeting, user))


class EditingTimeIn(BaseModel):
    active_seconds: float = Field(gt=0, le=MAX_EDITING_INCREMENT_SECONDS, description="前回送信以降の実作業時間（秒）")


class EditingTimeOut(BaseModel):
    meeting_id: int
    total_seconds: float


@router.post("/editing-time", response_model=EditingTimeOut)
def post_editing_time(body: EditingTimeIn, meeting: VisibleMeeting, user: Editor, db: SessionDep) -> EditingTimeOut:
    """Add an increment of active editing time (the editor sends these periodically). Only users
    who may edit log it: a clerk's or evaluator's read-only look is not editing and must not shrink
    the hours saved. Not audited: it fires every few minutes and carries no content."""
    total = add_editing_time(db, meeting, user, body.active_seconds)
    db.commit()
    return EditingTimeOut(meeting_id=meeting.id, total_seconds=total)
