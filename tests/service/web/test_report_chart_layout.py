"""Chart text must not overlap (issue 14 item 9): a bar reaching the top of its axis (100 %) has
its value label above it, and that label must stay clear of the chart's title."""

from __future__ import annotations

import re

from service.web.report_charts import bar_chart

GLYPH = 12  # the value labels' font size: a label's glyphs span (baseline - 12, baseline]
TITLE_DESCENT = 4  # below the title's baseline (14 px text)


def _y(svg: str, cls: str) -> list[float]:
    return [float(y) for y in re.findall(rf'<text x="[^"]+" y="([^"]+)"[^>]*class="{cls}"', svg)]


def test_full_bar_value_label_clears_the_title() -> None:
    svg = str(bar_chart("満足度（令和6年度・所属別）", ["財政課", "市民課"], [100.0, 55.0], unit="%", fixed_max=100))
    (title,) = _y(svg, "chart-title")
    labels = _y(svg, "bar-value")
    assert len(labels) == 2
    assert min(labels) - GLYPH > title + TITLE_DESCENT


def test_tallest_bar_without_fixed_axis_clears_the_title() -> None:
    svg = str(bar_chart("削減時間", ["A", "B"], [40.0, 200.0], unit="時間"))
    (title,) = _y(svg, "chart-title")
    assert min(_y(svg, "bar-value")) - GLYPH > title + TITLE_DESCENT
