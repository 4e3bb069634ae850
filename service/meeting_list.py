"""The meeting list's query: filters, sort order and one page of it, with the total before paging.

Scoping comes from ``service.scope.visible_meetings``; this module only narrows and orders what
that allows. A meeting's 状態 is its latest job's (highest id), as the list shows it.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, UnaryExpression, and_, asc, case, desc, func, or_, select
from sqlalchemy.orm import Session

from models.errors import GijirokuError
from service.db.models import Job, JobStatus, Meeting, User
from service.kpi.periods import JST
from service.schemas import MeetingListParams
from service.scope import visible_meetings

# 待機中 → 処理中 → 完了 → 失敗 → 中止: the order a job moves in, then the ones that went wrong
_STATUS_RANK = {status: rank for rank, status in enumerate(JobStatus)}


def _latest_status() -> ColumnElement[JobStatus]:
    return (
        select(Job.status)
        .where(Job.meeting_id == Meeting.id)
        .order_by(Job.id.desc())
        .limit(1)
        .correlate(Meeting)
        .scalar_subquery()
    )


def _held(day: dt.date, *, before: bool) -> ColumnElement[bool]:
    """開催日 before / on or after the start of ``day``: the 開催日 is wall-clock Japan time as
    entered; a meeting without one counts by its Japan-time upload date. Both bounds are written
    out rather than one negated: NOT over a NULL 開催日 would drop undated meetings."""
    start = dt.datetime.combine(day, dt.time())
    compare = operator.lt if before else operator.ge
    return or_(
        compare(Meeting.held_at, start),
        and_(Meeting.held_at.is_(None), compare(Meeting.created_at, start.replace(tzinfo=JST))),
    )


def _filtered(user: User, params: MeetingListParams) -> Select[Meeting]:
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise GijirokuError(
            "invalid_date_range",
            "開始日は終了日以前の日付にしてください。",
            "'from' must not be after 'to'.",
            status=422,
        )
    stmt = visible_meetings(user, department_id=params.department_id)
    if params.q:
        pattern = f"%{params.q}%"
        stmt = stmt.where(Meeting.title.like(pattern) | Meeting.place.like(pattern))
    if params.status:
        stmt = stmt.where(_latest_status() == params.status)
    if params.date_from:
        stmt = stmt.where(_held(params.date_from, before=False))
    if params.date_to:
        stmt = stmt.where(_held(params.date_to + dt.timedelta(days=1), before=True))
    return stmt


def _order(sort: str) -> list[UnaryExpression[Any]]:
    """Ties (and meetings without a 開催日, which come last either way) newest upload first."""
    by: Callable[[Any], UnaryExpression[Any]] = desc if sort.startswith("-") else asc
    field = sort.lstrip("-")
    if field == "created_at":
        return [by(Meeting.created_at), by(Meeting.id)]
    newest: list[UnaryExpression[Any]] = [Meeting.created_at.desc(), Meeting.id.desc()]
    if field == "held_at":
        return [Meeting.held_at.is_(None).asc(), by(Meeting.held_at), *newest]
    if field == "title":
        return [by(Meeting.title), *newest]
    return [by(case(_STATUS_RANK, value=_latest_status(), else_=len(_STATUS_RANK))), *newest]


def meeting_page(db: Session, user: User, params: MeetingListParams) -> tuple[Sequence[Meeting], int]:
    """One page of the meetings ``user`` may see that match ``params``, and how many match in all."""
    stmt = _filtered(user, params)
    total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = stmt.order_by(*_order(params.sort)).limit(params.per_page).offset((params.page - 1) * params.per_page)
    return db.scalars(page).all(), total
