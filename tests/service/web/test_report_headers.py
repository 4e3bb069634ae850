"""service.web.report_headers: the report page's two-row header covers every column of the KPI
table once, in order, with short labels whose title is the full (CSV/XLSX) name."""

from __future__ import annotations

from service.kpi.display import COLUMNS
from service.web.report_headers import header_rows


def _leaves(rows) -> list[str]:
    """Each data column's full name, left to right, as the header cells cover them."""
    top, below = rows
    names, lower = [], iter(below)
    for cell in top:
        names += [next(lower).title for _ in range(cell.colspan)] if cell.group else [cell.text]
    assert next(lower, None) is None
    return names


def test_every_column_once_in_order_and_no_label_longer_than_its_name() -> None:
    rows = header_rows(COLUMNS)
    assert len(rows) == 2
    assert _leaves(rows) == list(COLUMNS)
    for cell in rows[1]:
        assert cell.title in COLUMNS and len(cell.text) <= len(cell.title)


def test_groups_join_neighbouring_columns() -> None:
    top, below = header_rows(COLUMNS)
    spans = {c.text: c.colspan for c in top if c.group}
    assert spans == {
        "音声・処理（時間）": 2,
        "アンケート": 3,
        "削減時間": 3,
        "修正率": 2,
        "録音品質別の会議数": 3,
        "録音品質別の修正率（%）": 3,
    }
    assert [c.text for c in below if c.title == "削減時間がマイナスの回答"] == ["マイナス（件）"]
    assert all(c.rowspan == 2 for c in top if not c.group)


def test_ungrouped_columns_make_one_row() -> None:
    (only,) = header_rows(("所属", "期間"))
    assert [(c.text, c.rowspan, c.colspan) for c in only] == [("所属", 1, 1), ("期間", 1, 1)]


def test_number_columns_are_right_aligned_under_centred_groups() -> None:
    """Headers sit over their column's numbers (right-aligned, td.num); 所属 and 期間 hold text."""
    top, below = header_rows(COLUMNS)
    leaves = [c for c in top if not c.group] + below
    assert {c.text for c in leaves if not c.numeric} == {"所属", "期間"}
    assert not any(c.numeric for c in top if c.group)  # a group spans several columns: centred
