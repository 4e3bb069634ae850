"""Report periods: Japan-time dates, fiscal years (April–March, named by the starting year) and
their 和暦 labels (令和6年度, 令和7年3月)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exporters.wareki import wareki_year

JST = dt.timezone(dt.timedelta(hours=9), "JST")
"""Months and fiscal years are Japanese calendar months; Japan has no daylight saving time."""


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
