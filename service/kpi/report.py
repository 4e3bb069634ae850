"""KPI reports: who may see which departments, and the two tables every output (page, JSON,
CSV, XLSX) is rendered from.

Scope: evaluators and admins see every department (``report_scope_all_departments``) and may
narrow to one; staff see only their own department (asking for another → 403); clerks have no
``read_reports`` permission at all (403 before anything here runs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.auth.roles import report_scope_all_departments
from service.config import Settings
from service.db.models import Department, Job, JobStatus, Meeting, User
from service.errors import forbidden, not_found
from service.kpi.display import COLUMNS, Cell, display_cells
from service.kpi.periods import JST, Period, fiscal_year, local_date
from service.kpi.queries import meeting_figures
from service.kpi.summary import ALL_DEPARTMENTS, QUALITY_GRADES, KpiRow, report_rows


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
        "quality_meetings": dict(zip(QUALITY_GRADES, row.quality_meetings, strict=True)),
        "quality_edit_rates": dict(zip(QUALITY_GRADES, row.quality_edit_rates, strict=True)),
    }
