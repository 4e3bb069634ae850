"""KPIs for evaluating the service the way a prefecture's speech-recognition minutes trial did.

Pure functions: the service turns database rows into ``MeetingFigures`` (service/reports.py) and
gets ``KpiRow``s back, so every definition below is testable without a database.

Definitions (the report pages and the README quote these):

* A meeting belongs to the period (month / fiscal year) in which its transcription job finished,
  as a Japan-time date. Its surveys and its edit rate belong to the same period, so one row's
  figures always describe the same meetings.
* 満足度 (satisfaction rate) = responses answering 大変満足 or 満足 / all responses.
* 継続利用意向 (continued-use rate) = responses answering はい / all responses (いいえ and
  わからない stay in the denominator).
* A response is one survey row (one user × one meeting). Zero responses → rate ``None``
  (shown "—", never 0 %).
* Minutes saved per response = estimated minutes without the system − (measured active editing
  time + review minutes the user added). Negative results are kept and counted, never clipped.
* Hours saved per month = total hours saved / months of the period that have ≥ 1 response.
* Edit rate of a meeting = CER (evaluation.metrics.cer, normalised as in evaluation.normalize) of
  the pipeline's draft (revision 1) against the last saved revision as the reference, over the
  concatenated turn texts; only meetings with ≥ 2 revisions; the period's figure is the plain
  mean over those meetings.
* Fiscal years run April–March and are named after the year they start in: FY2024 =
  2024-04-01 … 2025-03-31 = 令和6年度.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from exporters.wareki import wareki_year

JST = dt.timezone(dt.timedelta(hours=9), "JST")
"""Months and fiscal years are Japanese calendar months; Japan has no daylight saving time."""

ALL_DEPARTMENTS = "全体"


class Satisfaction(enum.StrEnum):
    very_satisfied = "very_satisfied"
    satisfied = "satisfied"
    neutral = "neutral"
    dissatisfied = "dissatisfied"
    very_dissatisfied = "very_dissatisfied"


SATISFACTION_LABELS: dict[Satisfaction, str] = {
    Satisfaction.very_satisfied: "大変満足",
    Satisfaction.satisfied: "満足",
    Satisfaction.neutral: "どちらともいえない",
    Satisfaction.dissatisfied: "不満",
    Satisfaction.very_dissatisfied: "大変不満",
}
SATISFIED = frozenset({Satisfaction.very_satisfied, Satisfaction.satisfied})


class ContinuedUse(enum.StrEnum):
    yes = "yes"
    no = "no"
    unsure = "unsure"


CONTINUED_USE_LABELS: dict[ContinuedUse, str] = {
    ContinuedUse.yes: "はい",
    ContinuedUse.no: "いいえ",
    ContinuedUse.unsure: "わからない",
}


# --- calendar ------------------------------------------------------------------------------


def local_date(moment: dt.datetime) -> dt.date:
    """The Japan-time date of an aware timestamp (naive ones are taken as UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(JST).date()


def fiscal_year(day: dt.date) -> int:
    """April–March, named by the starting year: 2025-03-31 → 2024, 2025-04-01 → 2025."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_label(year: int) -> str:
    """「令和6年度」. Dated by 31 December so FY2019 is 令和元年度 (the era changed in May)."""
    return f"{wareki_year(dt.date(year, 12, 31))}度"


def month_label(year: int, month: int) -> str:
    """「令和7年3月」 (the era in force on the first of the month: 2019-04 → 平成31年4月)."""
    return f"{wareki_year(dt.date(year, month, 1))}{month}月"


def fiscal_months(year: int) -> list[tuple[int, int]]:
    """The (calendar year, month) pairs of a fiscal year, April first."""
    return [(year, m) for m in range(4, 13)] + [(year + 1, m) for m in range(1, 4)]


@dataclass(frozen=True, order=True)
class Period:
    """A fiscal year, or one month of it (``month`` set)."""

    fiscal_year: int
    month: int | None = None

    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        return cls(year if month >= 4 else year - 1, month)

    @property
    def calendar_year(self) -> int:
        if self.month is None:
            return self.fiscal_year
        return self.fiscal_year if self.month >= 4 else self.fiscal_year + 1

    @property
    def label(self) -> str:
        if self.month is None:
            return fiscal_year_label(self.fiscal_year)
        return month_label(self.calendar_year, self.month)

    @property
    def sort_key(self) -> tuple[int, int]:
        """Fiscal order: April (1) … March (12); the whole year sorts after its months."""
        return self.fiscal_year, 13 if self.month is None else (self.month - 4) % 12 + 1

    def contains(self, day: dt.date) -> bool:
        if fiscal_year(day) != self.fiscal_year:
            return False
        return self.month is None or day.month == self.month

    def months(self) -> list[Period]:
        if self.month is not None:
            return [self]
        return [Period(self.fiscal_year, m) for _, m in fiscal_months(self.fiscal_year)]


# --- inputs --------------------------------------------------------------------------------


def minutes_saved(estimated_minutes: float, editing_seconds: float, review_minutes: float) -> float:
    """Estimate without the system minus the time actually spent; may be negative on purpose."""
    return estimated_minutes - (editing_seconds / 60 + review_minutes)


@dataclass(frozen=True)
class SurveyFigures:
    """One user's survey for one meeting plus their measured editing time."""

    satisfaction: Satisfaction
    continued_use: ContinuedUse
    estimated_minutes: float
    review_minutes: float = 0.0
    editing_seconds: float = 0.0

    @property
    def minutes_saved(self) -> float:
        return minutes_saved(self.estimated_minutes, self.editing_seconds, self.review_minutes)


@dataclass(frozen=True)
class MeetingFigures:
    """What the reports need of one processed meeting."""

    department: str
    processed_on: dt.date  # Japan-time date its job finished
    audio_seconds: float = 0.0
    processing_seconds: float = 0.0
    edit_rate: float | None = None  # None: fewer than 2 revisions (nobody saved an edit)
    surveys: tuple[SurveyFigures, ...] = ()


def edit_rate(draft_text: str, final_text: str) -> float | None:
    """Normalised CER of the draft against the final text; None when the final text is empty
    after normalisation (a rate relative to nothing is undefined, not infinite)."""
    from evaluation.metrics import char_errors  # jiwer/pyannote load only when a report runs

    rate = char_errors(final_text, draft_text)
    return None if rate.total == 0 else rate.value


def turns_text(minutes: dict) -> str:
    """The text the minutes print (ケバ取り when present), turns concatenated."""
    return "".join((t.get("clean_text") or t.get("text") or "") for t in minutes.get("turns", []))


# --- outputs -------------------------------------------------------------------------------


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


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


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
        edit_rate=sum(rates) / len(rates) if rates else None,
        edit_rate_meetings=len(rates),
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


# --- display -------------------------------------------------------------------------------

DASH = "—"


def round_half_up(value: float, digits: int = 1) -> float:
    """Rounding as people do it by hand (0.25 → 0.3), not banker's rounding."""
    if math.isinf(value) or math.isnan(value):
        return value
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


Cell = str | int | float | None
"""A displayed figure: ``None`` is shown as DASH; floats are already rounded for display."""


COLUMNS: tuple[str, ...] = (
    "所属",
    "期間",
    "処理件数",
    "音声時間（時間）",
    "処理時間（時間）",
    "回答数",
    "満足度（%）",
    "継続利用意向（%）",
    "削減時間 合計（時間）",
    "削減時間 月平均（時間）",
    "削減時間がマイナスの回答",
    "修正率（%）",
    "修正率の対象会議",
)
NEGATIVE_COLUMNS = frozenset({"削減時間 合計（時間）", "削減時間 月平均（時間）"})


def _pct(rate: float | None) -> float | None:
    return None if rate is None else round_half_up(rate * 100, 1)


def _hours(hours: float | None) -> float | None:
    return None if hours is None else round_half_up(hours, 1)


def display_cells(row: KpiRow) -> list[Cell]:
    """The row as the page, the CSV and the XLSX show it (same rounding everywhere)."""
    return [
        row.department,
        row.period.label,
        row.meetings,
        _hours(row.audio_hours),
        _hours(row.processing_hours),
        row.responses,
        _pct(row.satisfaction_rate),
        _pct(row.continued_use_rate),
        _hours(row.hours_saved),
        _hours(row.hours_saved_per_month),
        row.negative_responses,
        _pct(row.edit_rate),
        row.edit_rate_meetings,
    ]


def format_cell(cell: Cell) -> str:
    """Text of a displayed figure: None → "—", floats with one decimal (66.7, 82.5, -0.5)."""
    if cell is None:
        return DASH
    if isinstance(cell, float):
        return f"{cell:.1f}"
    return str(cell)
