"""The inline SVG bar chart: well-formed, CSP-safe, correct bars with no, one or many values."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from netralitas.core.svgchart import BOTTOM, TOP, bar_chart_svg, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314  (our own output)


@pytest.mark.parametrize("values", [[], [0], [0] * 288])
def test_no_signatures_draws_axes_and_no_bars(values):
    root = parse(bar_chart_svg(values, title="Kosong"))
    assert root.findall(f"{SVG}rect") == []
    labels = [t.text for t in root.findall(f"{SVG}text")]
    assert labels == ["0", "1", "2", "3", "4"]
    assert root.find(f"{SVG}title").text == "Kosong"


def test_many_bars_scale_to_the_axis():
    values = [(i * 37) % 53 for i in range(288)]
    svg = bar_chart_svg(values, title="Banyak", bar_titles=[f"bar {i}" for i in range(288)],
                        ticks=[(0, "08:00"), (12, "09:00")], height=220)
    root = parse(svg)
    rects = root.findall(f"{SVG}rect")
    assert len(rects) == sum(1 for v in values if v)
    top = nice_ceiling(max(values))
    plot_h = 220 - TOP - BOTTOM
    tallest = max(rects, key=lambda r: float(r.get("height")))
    assert float(tallest.get("height")) == pytest.approx(plot_h * max(values) / top, abs=0.01)
    assert all(float(r.get("y")) >= TOP - 0.01 for r in rects)
    xs = [float(r.get("x")) for r in rects]
    assert xs == sorted(xs)
    assert rects[0].find(f"{SVG}title").text == "bar 1"  # values[0] is 0: no bar
    assert [t.text for t in root.findall(f"{SVG}text")][-2:] == ["08:00", "09:00"]


def test_text_is_escaped_and_no_style_attributes():
    svg = str(bar_chart_svg([1, 2], title='<script>alert("x")</script>', bar_titles=["a & b", "<b>"],
                            ticks=[(1, "<i>")]))
    assert "<script>" not in svg and "<i>" not in svg and "<b>" not in svg
    assert "style=" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == '<script>alert("x")</script>'
    assert [r.find(f"{SVG}title").text for r in root.findall(f"{SVG}rect")] == ["a & b", "<b>"]


def test_nice_ceiling_is_round_and_close():
    for value in range(0, 5001):
        top = nice_ceiling(value)
        assert top >= value and top % 4 == 0
        assert top <= max(4, 2.5 * value), value
