"""Display rounding and text of KPI figures (service/kpi/display.py)."""

from __future__ import annotations

from service.kpi.display import format_cell, round_half_up


def test_rounding_and_formatting():
    assert round_half_up(0.25, 1) == 0.3  # round() would give 0.2
    assert round_half_up(200 / 3, 1) == 66.7
    assert round_half_up(-0.25, 1) == -0.3
    assert format_cell(None) == "—"
    assert format_cell(82.5) == "82.5"
    assert format_cell(2.0) == "2.0"
    assert format_cell(3) == "3"
