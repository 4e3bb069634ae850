"""KPI reports from the database: who may see which departments, the rows ``evaluation.kpi``
needs, and the two tables every output (page, JSON, CSV, XLSX) is rendered from.

Scope: evaluators and admins see every department (``report_scope_all_departments``) and may
narrow to one; staff see only their own department (asking for another → 403); clerks have no
``read_reports`` permission at all (403 before anything here runs).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from evaluation.kpi import (
    ALL_DEPARTMENTS,
    COLUMNS,
    JST,
    Cell,
    KpiRow,
    MeetingFigures,
    Period,
    SurveyFigures,
    display_cells,
    edit_rate,
    fiscal_year,
    local_date,
    report_rows,
    turns_text,
)
from service.auth.roles import Permission, report_scope_all_departments, roles_with
from service.config import Settings
from service.db.models import Department, EditingTime, Job, JobStatus, Meeting, Survey, TranscriptRevision, User
from service.errors import forbidden, not_found


@dataclass(frozen=True)
class Scope:
    """The departments a report covers, in display order; ``total`` adds the 全体 rows."""

    departments: list[Department]
    total: bool

    @property
    def ids(self) -> list[int]:
        return [d.id for d in self.departments]


def report_scope(db: Session, user: User, department_id: int | None = None) -> Scope:
    if report_scope_all_departments(user):
        if department_id is None:
            return Scope(list(db.scalars(select(Department).order_by(Department.id))), total=True)
        department = db.get(Department, department_id)
        if department is None:
            raise not_found("部署", "department")
        return Scope([department], total=False)
    if department_id is not None and department_id != user.department_id:
        raise forbidden()
    own = db.get(Department, user.department_id) if user.department_id is not None else None
    if own is None:
        raise forbidden()
    return Scope([own], total=False)


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
        select(Meeting.id, Department.name, Meeting.duration, Job.started_at, Job.finished_at)
        .join(first_done, first_done.c.meeting_id == Meeting.id)
        .join(Job, and_(Job.meeting_id == Meeting.id, Job.finished_at == first_done.c.finished_at, Job.status == JobStatus.done))
        .join(Department, Department.id == Meeting.department_id)
        .where(first_done.c.finished_at >= _utc(start), first_done.c.finished_at < _utc(end))
        .order_by(Meeting.id)
    ).all()
    processed: dict[int, tuple[str, float, float, dt.date]] = {}
    for meeting_id, department, duration, started_at, finished_at in rows:
        if meeting_id in processed:  # two done jobs finishing at the same instant: count once
            continue
        seconds = (finished_at - started_at).total_seconds() if started_at else 0.0  # UTCDateTime: aware
        processed[meeting_id] = (department, float(duration or 0.0), max(seconds, 0.0), local_date(finished_at))
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
        )
        for mid, (department, audio, proc, day) in processed.items()
    ]


def _surveys(db: Session, meeting_ids: list[int]) -> dict[int, list[SurveyFigures]]:
    out: dict[int, list[SurveyFigures]] = defaultdict(list)
    if not meeting_ids:
        return out
    rows = db.execute(
        select(Survey, EditingTime.active_seconds)
        .join(User, User.id == Survey.user_id)
        .outerjoin(EditingTime, and_(EditingTime.meeting_id == Survey.meeting_id, EditingTime.user_id == Survey.user_id))
        # only users who may edit answer (service.surveys.may_answer); this also drops answers
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
    database = str(db.get_bind().url)
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


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    satisfaction: float
    continued_use: float
    hours_saved_per_month: float

    @classmethod
    def from_settings(cls, settings: Settings) -> Targets:
        return cls(settings.target_satisfaction, settings.target_continued_use, settings.target_hours_saved_per_month)


@dataclass(frozen=True)
class Table:
    """What is displayed, cell for cell; CSV and XLSX are written from this and nothing else."""

    title: str
    columns: tuple[str, ...]
    rows: list[KpiRow]
    cells: list[list[Cell]] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    fiscal_year: int  # the year the monthly table covers
    fiscal_years: list[int]  # the years the fiscal-year table covers
    scope: Scope
    targets: Targets
    yearly: Table
    monthly: Table

    @property
    def label(self) -> str:
        return Period(self.fiscal_year).label


def _table(title: str, rows: list[KpiRow]) -> Table:
    return Table(title, COLUMNS, rows, [display_cells(r) for r in rows])


def default_fiscal_year(today: dt.date | None = None) -> int:
    return fiscal_year(today or dt.datetime.now(JST).date())


def build_report(db: Session, settings: Settings, scope: Scope, year: int, first_year: int | None = None) -> Report:
    """Monthly rows of fiscal year ``year`` (department-months with processed meetings, plus
    全体 per month) and fiscal-year rows from ``first_year`` (default: the earliest year with a
    processed meeting, at most 5 years back) through ``year`` for every department in scope."""
    if first_year is None:
        first_year = max(_earliest_year(db, scope.ids) or year, year - 4)
    first_year = min(first_year, year)
    figures = meeting_figures(db, scope.ids, dt.date(first_year, 4, 1), dt.date(year + 1, 4, 1))
    names = [d.name for d in scope.departments]
    years = list(range(first_year, year + 1))
    yearly = report_rows(names, [Period(y) for y in years], figures, total=scope.total)
    monthly = report_rows(names, Period(year).months(), figures, total=scope.total, skip_empty=True)
    return Report(
        fiscal_year=year,
        fiscal_years=years,
        scope=scope,
        targets=Targets.from_settings(settings),
        yearly=_table("所属別・年度別", yearly),
        monthly=_table(f"所属別・月別（{Period(year).label}）", monthly),
    )


def _earliest_year(db: Session, department_ids: list[int]) -> int | None:
    if not department_ids:
        return None
    first = db.scalar(
        select(func.min(Job.finished_at))
        .join(Meeting, Meeting.id == Job.meeting_id)
        .where(Job.status == JobStatus.done, Meeting.department_id.in_(department_ids))
    )
    return fiscal_year(local_date(first)) if first else None


def row_json(row: KpiRow) -> dict[str, object]:
    """Unrounded figures for the JSON API (the tables carry the rounded, displayed ones)."""
    return {
        "department": row.department,
        "is_total": row.department == ALL_DEPARTMENTS,
        "fiscal_year": row.period.fiscal_year,
        "month": row.period.month,
        "period_label": row.period.label,
        "meetings": row.meetings,
        "audio_hours": row.audio_hours,
        "processing_hours": row.processing_hours,
        "responses": row.responses,
        "satisfied": row.satisfied,
        "satisfaction_rate": row.satisfaction_rate,
        "continuing": row.continuing,
        "continued_use_rate": row.continued_use_rate,
        "hours_saved": row.hours_saved,
        "months_with_responses": row.months_with_responses,
        "hours_saved_per_month": row.hours_saved_per_month,
        "negative_responses": row.negative_responses,
        "edit_rate": row.edit_rate,
        "edit_rate_meetings": row.edit_rate_meetings,
    }
