"""A bar chart as inline SVG: no script, no style attributes (CSP), no external requests."""
from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

#: Room around the plot for the axis labels, in SVG units.
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 24


def nice_ceiling(value: int, intervals: int = 4) -> int:
    """The smallest axis maximum ≥ value that splits into `intervals` steps of 1, 2 or 5 × 10^k (at least 1 per step)."""
    if value <= 0:
        return intervals
    raw = value / intervals
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 3, 5, 10):
        step = max(1, factor * magnitude)
        if step == int(step) and step * intervals >= value:
            return int(step * intervals)
    return int(10 * magnitude * intervals)  # unreachable: factor 10 always fits


def bar_chart_svg(values: Sequence[int], *, title: str, bar_titles: Sequence[str] = (),
                  ticks: Sequence[tuple[int, str]] = (), width: int = 720, height: int = 220,
                  intervals: int = 4) -> Markup:
    """Bars for values (left to right) with a y axis from 0, x labels at the given (bar index, label) ticks.

    bar_titles[i] becomes the hover text of bar i; zero bars are not drawn. Colours come from classes
    (static/css/reports.css) with presentation attributes as a fallback for viewers without the stylesheet.
    """
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    top = nice_ceiling(max(values, default=0), intervals)
    slot = plot_w / max(len(values), 1)
    gap = slot * 0.15 if slot >= 3 else 0
    parts = [f'<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i in range(intervals + 1):
        value = top * i // intervals
        y = TOP + plot_h - plot_h * i / intervals
        parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#dee2e6" stroke-width="1"/>')
        parts.append(f'<text class="chart-label" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="11" fill="#6c757d">{value}</text>')
    for i, value in enumerate(values):
        if value <= 0:
            continue
        bar_h = plot_h * value / top
        x = LEFT + i * slot + gap / 2
        label = f"<title>{escape(bar_titles[i])}</title>" if i < len(bar_titles) and bar_titles[i] else ""
        parts.append(f'<rect class="chart-bar" x="{x:.2f}" y="{TOP + plot_h - bar_h:.2f}" '
                     f'width="{max(slot - gap, 0.6):.2f}" height="{bar_h:.2f}" fill="#0d6efd">{label}</rect>')
    for index, text in ticks:
        x = LEFT + (index + 0.5) * slot
        parts.append(f'<line class="chart-axis" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 4}" '
                     f'stroke="#6c757d" stroke-width="1"/>')
        parts.append(f'<text class="chart-label" x="{x:.1f}" y="{height - 6}" text-anchor="middle" font-size="11" '
                     f'fill="#6c757d">{escape(text)}</text>')
    parts.append(f'<line class="chart-axis" x1="{LEFT}" x2="{width - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
                 f'stroke="#6c757d" stroke-width="1"/></svg>')
    return Markup("".join(parts))  # noqa: S704  (every text above went through escape(); the rest are numbers)
