"""Figures → KPI rows: one department (or 全体) × one period."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from service.kpi.answers import SATISFIED, ContinuedUse
from service.kpi.figures import MeetingFigures
from service.kpi.periods import Period

ALL_DEPARTMENTS = "全体"
# the recording-quality grades the report splits meetings by (models.quality), best first
QUALITY_GRADES = ("good", "fair", "poor")


@dataclass(frozen=True)
class KpiRow:
    department: str  # a department name, or ALL_DEPARTMENTS
    period: Period
    meetings: int  # meetings whose job finished in the period
    audio_hours: float
    processing_hours: float
    responses: int
    satisfied: int
    satisfaction_rate: float | None
    continuing: int
    continued_use_rate: float | None
    hours_saved: float | None  # None without responses
    months_with_responses: int
    hours_saved_per_month: float | None
    negative_responses: int  # responses whose time saved is below zero
    edit_rate: float | None
    edit_rate_meetings: int
    # per QUALITY_GRADES: meetings whose upload got that grade, and their mean edit rate, so
    # evaluators see how much of the editing the recording quality explains
    quality_meetings: tuple[int, ...] = (0, 0, 0)
    quality_edit_rates: tuple[float | None, ...] = (None, None, None)


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarize(department: str, period: Period, meetings: Iterable[MeetingFigures]) -> KpiRow:
    """The KPIs of the meetings (already restricted to ``department``) that fall in ``period``."""
    chosen = [m for m in meetings if period.contains(m.processed_on)]
    surveys = [s for m in chosen for s in m.surveys]
    months = {m.processed_on.month for m in chosen if m.surveys}
    rates = [m.edit_rate for m in chosen if m.edit_rate is not None]
    satisfied = sum(s.satisfaction in SATISFIED for s in surveys)
    continuing = sum(s.continued_use == ContinuedUse.yes for s in surveys)
    hours_saved = sum(s.minutes_saved for s in surveys) / 60 if surveys else None
    return KpiRow(
        department=department,
        period=period,
        meetings=len(chosen),
        audio_hours=sum(m.audio_seconds for m in chosen) / 3600,
        processing_hours=sum(m.processing_seconds for m in chosen) / 3600,
        responses=len(surveys),
        satisfied=satisfied,
        satisfaction_rate=_ratio(satisfied, len(surveys)),
        continuing=continuing,
        continued_use_rate=_ratio(continuing, len(surveys)),
        hours_saved=hours_saved,
        months_with_responses=len(months),
        hours_saved_per_month=None if hours_saved is None else hours_saved / len(months),
        negative_responses=sum(s.minutes_saved < 0 for s in surveys),
        edit_rate=_mean(rates),
        edit_rate_meetings=len(rates),
        quality_meetings=tuple(sum(m.quality_grade == g for m in chosen) for g in QUALITY_GRADES),
        quality_edit_rates=tuple(
            _mean([m.edit_rate for m in chosen if m.quality_grade == g and m.edit_rate is not None])
            for g in QUALITY_GRADES
        ),
    )


def report_rows(
    departments: Sequence[str],
    periods: Sequence[Period],
    meetings: Sequence[MeetingFigures],
    *,
    total: bool,
    skip_empty: bool = False,
) -> list[KpiRow]:
    """Department × period rows (department order as given, periods in fiscal order), plus an
    ALL_DEPARTMENTS row per period when ``total``; ``skip_empty`` drops rows without meetings."""
    by_department: dict[str, list[MeetingFigures]] = {d: [] for d in departments}
    for m in meetings:
        if m.department in by_department:
            by_department[m.department].append(m)
    groups = [(d, by_department[d]) for d in departments]
    if total:
        groups.append((ALL_DEPARTMENTS, [m for d in departments for m in by_department[d]]))
    rows = []
    for name, chosen in groups:
        for period in sorted(periods, key=lambda p: p.sort_key):
            row = summarize(name, period, chosen)
            if row.meetings or not skip_empty:
                rows.append(row)
    return rows
