"""The Japanese eras (元号) since 明治, newest first: the minutes' 和暦 dates (``exporters.wareki``)
and the era years that meeting materials write (令和6年度, ``models.materials.terms``) read the
same list.

Since 1979 an era is set by 政令 under the 元号法 (昭和54年法律第43号): 平成 by 昭和64年政令第1号,
令和 by 平成31年政令第143号. An era's first year is written 元年, as in the law numbers of that
year (令和元年法律第16号).
"""

from __future__ import annotations

import datetime as dt

# (first day, name), newest first
ERAS: tuple[tuple[dt.date, str], ...] = (
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
    (dt.date(1912, 7, 30), "大正"),
    (dt.date(1868, 1, 25), "明治"),  # 明治元年1月1日 (旧暦) in the Gregorian calendar
)
FIRST_YEAR = "元"  # an era's first year: 令和元年


def gregorian_year(era: str, year: int) -> int:
    """The Gregorian year in which year ``year`` of ``era`` begins or lies: 令和6 → 2024, 平成元 (1) → 1989."""
    return {name: start.year for start, name in ERAS}[era] + year - 1
