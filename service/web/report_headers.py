"""The KPI tables' header on the report page: 19 columns must stay readable at 1366 px, where their
full names (the CSV/XLSX headers, ``service.kpi.display.COLUMNS``) wrapped one character a line.
Related columns share a group header over short labels (two header rows); every short label
keeps the full name as its title, so nothing is lost, and the downloads keep the full names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from models.quality import GRADE_LABELS
from service.kpi.summary import QUALITY_GRADES

# column (as COLUMNS names it) → (group, short label); columns not listed span both rows as they are
_GROUPED: dict[str, tuple[str, str]] = {
    "音声時間（時間）": ("音声・処理（時間）", "音声"),
    "処理時間（時間）": ("音声・処理（時間）", "処理"),
    "回答数": ("アンケート", "回答数"),
    "満足度（%）": ("アンケート", "満足度（%）"),
    "継続利用意向（%）": ("アンケート", "継続利用意向（%）"),
    "削減時間 合計（時間）": ("削減時間", "合計（時間）"),
    "削減時間 月平均（時間）": ("削減時間", "月平均（時間）"),
    "削減時間がマイナスの回答": ("削減時間", "マイナス（件）"),
    "修正率（%）": ("修正率", "平均（%）"),
    "修正率の対象会議": ("修正率", "対象会議"),
    **{f"録音品質 {GRADE_LABELS[g]}（件）": ("録音品質別の会議数", GRADE_LABELS[g]) for g in QUALITY_GRADES},
    **{f"修正率 録音品質{GRADE_LABELS[g]}（%）": ("録音品質別の修正率（%）", GRADE_LABELS[g]) for g in QUALITY_GRADES},
}


# the columns that hold text; every other column holds numbers, right-aligned with their header
TEXT_COLUMNS = frozenset({"所属", "期間"})


@dataclass(frozen=True)
class HeaderCell:
    text: str
    title: str = ""  # the full column name where ``text`` is shorter
    colspan: int = 1
    rowspan: int = 1
    group: bool = False  # over several columns (scope="colgroup")
    numeric: bool = False  # over a column of numbers: right-aligned like them (class "num")


def header_rows(columns: tuple[str, ...]) -> list[list[HeaderCell]]:
    """The ``<thead>`` rows for ``columns``: groups and ungrouped columns first, short labels under
    the groups second (one row when no column is grouped). A column's header is aligned as its
    numbers are (right); group headers stay centred over their columns."""
    rows = 2 if any(name in _GROUPED for name in columns) else 1
    top: list[HeaderCell] = []
    below: list[HeaderCell] = []
    for name in columns:
        numeric = name not in TEXT_COLUMNS
        if name not in _GROUPED:
            top.append(HeaderCell(name, rowspan=rows, numeric=numeric))
            continue
        group, label = _GROUPED[name]
        if top and top[-1].group and top[-1].text == group:
            top[-1] = replace(top[-1], colspan=top[-1].colspan + 1)
        else:
            top.append(HeaderCell(group, group=True))
        below.append(HeaderCell(label, title=name, numeric=numeric))
    return [top, below] if below else [top]
