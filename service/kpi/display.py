"""How a KPI row is displayed: the columns and the rounding the page, the CSV and the XLSX share,
so every output agrees to the last digit."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from models.quality import GRADE_LABELS
from service.kpi.summary import QUALITY_GRADES, KpiRow

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
    *(f"録音品質 {GRADE_LABELS[g]}（件）" for g in QUALITY_GRADES),
    *(f"修正率 録音品質{GRADE_LABELS[g]}（%）" for g in QUALITY_GRADES),
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
        *row.quality_meetings,
        *(_pct(rate) for rate in row.quality_edit_rates),
    ]


def format_cell(cell: Cell) -> str:
    """Text of a displayed figure: None → "—", floats with one decimal (66.7, 82.5, -0.5)."""
    if cell is None:
        return DASH
    if isinstance(cell, float):
        return f"{cell:.1f}"
    return str(cell)
