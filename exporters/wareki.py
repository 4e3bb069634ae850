"""和暦 dates for the minutes header: 2024-11-22 → 「令和6年11月22日（金）」.

会議録 are dated in the Japanese era calendar. An era's first year is written 元年 (令和元年 runs
from 2019-05-01 to 2019-12-31; 2019-04-30 is still 平成31年). Dates before the Gregorian calendar
was adopted in Japan (明治6年 = 1873) have no meaningful 和暦 month and day here and are refused.
"""

from __future__ import annotations

import datetime as dt

from models.eras import ERAS, FIRST_YEAR
from models.errors import GijirokuError

# 明治 starts on 1873-01-01 for our purposes, see above.
_GREGORIAN_ADOPTED = dt.date(1873, 1, 1)
_WEEKDAYS = "月火水木金土日"


def wareki_year(date: dt.date) -> str:
    """「令和6年」, 「令和元年」."""
    if date < _GREGORIAN_ADOPTED:
        raise GijirokuError(
            "date_out_of_range",
            "明治6年（1873年）より前の日付は和暦で表記できません。",
            "dates before 1873 cannot be written in the Japanese era calendar",
        )
    for start, name in ERAS:
        if date >= start:
            year = date.year - start.year + 1
            return f"{name}{FIRST_YEAR if year == 1 else year}年"
    raise AssertionError("unreachable: 明治 covers every date from 1873")


def format_wareki(date: dt.date) -> str:
    """「令和6年11月22日（金）」: era year, month, day and the weekday in full-width brackets."""
    return f"{wareki_year(date)}{date.month}月{date.day}日（{_WEEKDAYS[date.weekday()]}）"
