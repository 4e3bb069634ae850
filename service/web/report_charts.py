"""Inline SVG charts for the report page, drawn on the server.

No JavaScript charting library and no CDN: the service runs offline, and an SVG in the HTML
prints exactly as shown. Values of ``None`` (no responses) draw no bar/point and are labelled
"—"; the KPI target is a dashed line with its value written next to it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from service.kpi.display import DASH, round_half_up

FONT = "IPAPGothic, IPAGothic, 'Hiragino Sans', 'Yu Gothic UI', Meiryo, sans-serif"
PALETTE = ("#1f5fa8", "#2a9d8f", "#e76f51", "#8e44ad", "#6a994e", "#bc6c25", "#457b9d", "#9d0208")
TOTAL_COLOR = "#1d2430"
TARGET_COLOR = "#c0392b"
TITLE_BASELINE = 18
# A bar chart's plot starts low enough that the value label of a bar reaching the top of the axis
# (a 100 % bar) stays clear of the title: title descent 6 px, air 6 px, the label's 12 px glyphs,
# its baseline 5 px above the bar.
BAR_TOP = TITLE_BASELINE + 6 + 6 + 12 + 5
LINE_TOP = 30


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    color: str = PALETTE[0]
    bold: bool = False


def nice_step(span: float, ticks: int = 5) -> float:
    """1, 2, 2.5 or 5 × 10^k so that about ``ticks`` gridlines cover ``span``."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def _axis(values: Sequence[float], target: float | None, fixed_max: float | None) -> tuple[float, float, float]:
    """(low, high, step) covering the values, zero and the target."""
    lo = min([0.0, *values])
    hi = fixed_max if fixed_max is not None else max([0.0, *values, *([target] if target is not None else [])]) * 1.1
    if hi <= lo:
        hi = lo + 1
    step = nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _fmt(value: float, unit: str) -> str:
    return f"{round_half_up(value, 1):.1f}{unit}"


def _tick(value: float) -> str:
    return f"{value:g}"


class _Canvas:
    """Plot area bookkeeping shared by the two chart kinds."""

    def __init__(
        self, width: int, height: int, left: int, right: int, top: int, bottom: int, lo: float, hi: float
    ) -> None:
        self.width, self.height = width, height
        self.x0, self.x1 = left, width - right
        self.y0, self.y1 = height - bottom, top  # y0: bottom of the plot
        self.lo, self.hi = lo, hi
        self.parts: list[str] = []

    def y(self, value: float) -> float:
        return self.y0 - (value - self.lo) / (self.hi - self.lo) * (self.y0 - self.y1)

    def text(
        self,
        x: float,
        y: float,
        s: str,
        *,
        anchor: str = "middle",
        size: int = 12,
        color: str = "#1d2430",
        weight: str = "normal",
        cls: str = "",
    ) -> None:
        attr = f' class="{cls}"' if cls else ""
        if cls in ("bar-value", "target-label"):  # a white halo keeps it legible over lines and bars
            attr += ' stroke="#fff" stroke-width="3" paint-order="stroke"'
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{color}" '
            f'font-weight="{weight}"{attr}>{escape(s)}</text>'
        )

    def grid(self, step: float, unit: str) -> None:
        value = self.lo
        while value <= self.hi + step / 1000:
            y = self.y(value)
            stroke = "#9aa5b4" if abs(value) < 1e-9 else "#e3e8ef"
            self.parts.append(f'<line x1="{self.x0}" y1="{y:.1f}" x2="{self.x1}" y2="{y:.1f}" stroke="{stroke}"/>')
            self.text(self.x0 - 6, y + 4, _tick(value) + unit, anchor="end", size=11, color="#5b6675")
            value += step

    def target(self, value: float | None, label: str) -> None:
        if value is None:
            return
        y = self.y(value)
        self.parts.append(
            f'<line class="target-line" x1="{self.x0}" y1="{y:.1f}" x2="{self.x1}" y2="{y:.1f}" '
            f'stroke="{TARGET_COLOR}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        self.text(
            self.x1 + 6, y + 4, label, anchor="start", size=12, color=TARGET_COLOR, weight="bold", cls="target-label"
        )

    def svg(self, title: str, extra_class: str) -> Markup:
        body = "".join(self.parts)
        return Markup(
            f'<svg class="chart {extra_class}" viewBox="0 0 {self.width} {self.height}" width="100%" role="img" '
            f'aria-label="{escape(title)}" font-family="{escape(FONT)}" xmlns="http://www.w3.org/2000/svg">'
            f"<title>{escape(title)}</title>{body}</svg>"
        )


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    unit: str = "",
    target: float | None = None,
    target_label: str = "",
    fixed_max: float | None = None,
    width: int = 560,
    height: int = 280,
) -> Markup:
    """One bar per label with its value on top; None → no bar, "—" on the axis."""
    present = [v for v in values if v is not None]
    lo, hi, step = _axis(present, target, fixed_max)
    c = _Canvas(width, height, 52, _right_margin(target_label), BAR_TOP, 52, lo, hi)
    c.text(c.x0, TITLE_BASELINE, title, anchor="start", size=14, weight="bold", cls="chart-title")
    c.grid(step, unit)
    slot = (c.x1 - c.x0) / max(len(labels), 1)
    bar = min(slot * 0.6, 64)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        cx = c.x0 + slot * (i + 0.5)
        if value is None:
            c.text(cx, c.y(max(lo, 0)) - 6, DASH, size=14, color="#5b6675", cls="bar-value")
        else:
            top, base = c.y(max(value, 0)), c.y(min(value, 0))
            color = "#b42318" if value < 0 else PALETTE[0]
            c.parts.append(
                f'<rect class="bar" x="{cx - bar / 2:.1f}" y="{top:.1f}" width="{bar:.1f}" '
                f'height="{max(base - top, 0.5):.1f}" fill="{color}" rx="2"/>'
            )
            c.text(
                cx, (top - 5) if value >= 0 else (base + 14), _fmt(value, unit), size=12, weight="bold", cls="bar-value"
            )
        c.text(cx, c.y0 + 18, _short(label, slot), size=12)
    c.target(target, target_label)
    return c.svg(title, "bar-chart")


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    target: float | None = None,
    target_label: str = "",
    width: int = 1120,
    height: int = 320,
) -> Markup:
    """One polyline per series over the labels (months); gaps where a value is None."""
    present = [v for s in series for v in s.values if v is not None]
    lo, hi, step = _axis(present, target, None)
    c = _Canvas(width, height, 56, _right_margin(target_label), LINE_TOP, 64, lo, hi)
    c.text(c.x0, TITLE_BASELINE, title, anchor="start", size=14, weight="bold", cls="chart-title")
    c.grid(step, unit)
    slot = (c.x1 - c.x0) / max(len(labels), 1)
    xs = [c.x0 + slot * (i + 0.5) for i in range(len(labels))]
    for x, label in zip(xs, labels, strict=True):
        c.text(x, c.y0 + 18, label, size=12)
    for s in series:
        width_px = 3 if s.bold else 2
        run: list[str] = []
        for x, v in zip(xs, s.values, strict=True):
            if v is None:
                if len(run) > 1:
                    c.parts.append(_polyline(run, s.color, width_px))
                run = []
                continue
            run.append(f"{x:.1f},{c.y(v):.1f}")
            c.parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{c.y(v):.1f}" r="{width_px + 1}" fill="{s.color}"/>'
            )
        if len(run) > 1:
            c.parts.append(_polyline(run, s.color, width_px))
    c.target(target, target_label)
    # legend under the month labels
    x = c.x0
    for s in series:
        y = height - 16
        c.parts.append(f'<rect x="{x}" y="{y - 9}" width="14" height="4" fill="{s.color}"/>')
        c.text(x + 18, y - 2, s.name, anchor="start", size=12, weight="bold" if s.bold else "normal")
        x += 30 + 13 * len(s.name)
    return c.svg(title, "line-chart")


def _right_margin(target_label: str) -> int:
    """Room right of the plot for the target's label, so it never sits on a bar or a point."""
    wide = sum(2 if ord(ch) > 0x2E80 else 1 for ch in target_label)  # full-width ≈ 12 px, ASCII ≈ 7 px
    return max(16, wide * 6 + 14)


def _polyline(points: list[str], color: str, width: int) -> str:
    return f'<polyline class="series" points="{" ".join(points)}" fill="none" stroke="{color}" stroke-width="{width}"/>'


def _short(label: str, slot: float) -> str:
    """Department names can be long; keep what fits the bar's slot (about 12 px per character)."""
    room = max(int(slot // 12), 2)
    return label if len(label) <= room else label[: room - 1] + "…"
