"""Charts as inline SVG, drawn on the server by pygal: no JavaScript build, nothing
fetched by the browser, and a screenshot shows exactly what the server drew.

Colours mean the same everywhere: tiers (domestic, allied, other), leg outcomes,
services. Every chart has a title, and its numbers are in the SVG's tooltips.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pygal
from markupsafe import Markup
from pygal.style import Style

from services.console.domain.shares import Bars

PALETTE = {
    "domestic": "#1f5fbf",
    "allied": "#2e9e5b",
    "other": "#e08a1e",
    "open": "#1f5fbf",
    "partially_filled": "#7aa6e8",
    "filled": "#2e9e5b",
    "declined": "#c0392b",
    "expired": "#8e44ad",
    "cancelled": "#95a5a6",
    "owned": "#1f5fbf",
    "leased": "#2e9e5b",
    "third_party": "#e08a1e",
    "demand": "#1f5fbf",
    "sourcing": "#2e9e5b",
    "trader_gateway": "#e08a1e",
    "inventory": "#8e44ad",
    "ordered": "#95a5a6",
    "received": "#8e44ad",
    "waiting": "#c0392b",
    "partly_filled": "#7aa6e8",
}
SPARE = ("#16a085", "#d35400", "#2c3e50", "#f1c40f", "#7f8c8d", "#c2185b", "#5d4037", "#0097a7")


def _style(names: Sequence[str]) -> Style:
    spare = iter(SPARE * (1 + len(names) // len(SPARE)))
    colors = tuple(PALETTE.get(n) or next(spare) for n in names)
    return Style(
        background="transparent",
        plot_background="#ffffff",
        foreground="#222222",
        foreground_strong="#111111",
        foreground_subtle="#dddddd",
        colors=colors or ("#1f5fbf",),
        font_family="DejaVu Sans, Helvetica, Arial, sans-serif",
        title_font_size=18,
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=13,
        value_font_size=12,
        tooltip_font_size=13,
    )


HALF, WIDE = 720, 1400  # a panel of the two-column grid, a panel across the page


def _common(names: Sequence[str], title: str, height: int, width: int = HALF) -> dict[str, Any]:
    return {
        "style": _style(names),
        "title": title,
        "width": width,
        "height": height,
        "js": [],  # pygal's tooltip script is fetched from the web by default: none
        "legend_at_bottom": True,
        "legend_at_bottom_columns": min(max(len(names), 1), 5),
        "truncate_legend": 30,
        "truncate_label": 28,
        "no_data_text": "nothing yet",
        "margin": 8,
        "margin_right": 28,  # room for the last value label (100.0%)
    }


def compact(value: float, unit: str = "") -> str:
    """Axis and tooltip numbers people read at a glance: 1.2M, 144k, 36, 0.25."""
    magnitude = abs(value)
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if magnitude >= size:
            return f"{value / size:.3g}{suffix}{unit}"
    return f"{value:.3g}{unit}"


def _nothing(title: str, text: str) -> Markup:
    return Markup('<h2>{}</h2><p class="ok-text">{}</p>').format(title, text)


def _render(chart: Any) -> Markup:
    svg: str = chart.render(is_unicode=True, disable_xml_declaration=True)
    return Markup(svg)  # pygal escapes every label it writes  # noqa: S704


def bars(
    data: Bars,
    title: str,
    *,
    stacked: bool = True,
    horizontal: bool = True,
    unit: str = "",
    percent: bool = False,
    empty: str = "Nothing yet.",
    width: int = HALF,
) -> Markup:
    names = list(data.series)
    if not any(v for values in data.series.values() for v in values):
        return _nothing(title, empty)
    kind = {
        (True, True): pygal.HorizontalStackedBar,
        (True, False): pygal.StackedBar,
        (False, True): pygal.HorizontalBar,
        (False, False): pygal.Bar,
    }[(stacked, horizontal)]
    height = max(260, 120 + 34 * len(data.labels)) if horizontal else 360
    # Fewer value labels, so that long ones (dollars) do not overlap; on a horizontal
    # chart pygal draws the values along its "x" axis and the categories along "y".
    axis = "x" if horizontal else "y"
    thin = {f"{axis}_labels_major_count": 6, f"show_minor_{axis}_labels": False}
    chart = kind(
        **thin,
        **_common(names, title, height, width),
        show_legend=len(names) > 1 or not horizontal,
        print_values=False,
        value_formatter=(lambda v: f"{v:.1f}%") if percent else (lambda v: compact(v, unit)),
    )
    chart.x_labels = data.labels
    for name, values in data.series.items():
        chart.add(name, [v if v else None for v in values])
    return _render(chart)


def single(
    values: Mapping[str, float],
    title: str,
    *,
    series: str,
    unit: str = "",
    empty: str = "Nothing yet.",
    width: int = HALF,
) -> Markup:
    """One bar per label, one colour (e.g. consumer lag per hop)."""
    return bars(
        Bars(labels=list(values), series={series: list(values.values())}),
        title,
        stacked=False,
        unit=unit,
        empty=empty,
        width=width,
    )


def lines(
    times: Sequence[datetime], series: Mapping[str, Sequence[float]], title: str, *, unit: str = ""
) -> Markup:
    names = list(series)
    chart = pygal.DateTimeLine(
        **_common(names, title, 320),
        x_value_formatter=lambda at: at.strftime("%H:%M:%S"),
        value_formatter=lambda v: compact(v, unit),
        show_dots=False,
        fill=False,
        x_label_rotation=0,
        show_x_guides=False,
        x_labels_major_count=5,
        show_minor_x_labels=False,
        include_x_axis=True,
    )
    for name, values in series.items():
        chart.add(name, list(zip(times, values, strict=True)))
    return _render(chart)


def steps(series: Mapping[str, Sequence[tuple[datetime, float]]], title: str, unit: str) -> Markup:
    """Cumulative amounts over time, each a step line (a total holds until it changes)."""
    names = list(series)
    chart = pygal.DateTimeLine(
        **_common(names, title, 360, WIDE),
        x_value_formatter=lambda at: at.strftime("%H:%M:%S.%f")[:-4],
        value_formatter=lambda v: compact(v, f" {unit}"),
        dots_size=3,
        x_label_rotation=0,
        x_labels_major_count=5,
        show_minor_x_labels=False,
        include_x_axis=True,
    )
    for name, points in series.items():
        chart.add(name, _stepped(points))
    return _render(chart)


def _stepped(points: Sequence[tuple[datetime, float]]) -> list[tuple[datetime, float]]:
    out: list[tuple[datetime, float]] = []
    for at, value in points:
        if out:
            out.append((at, out[-1][1]))
        out.append((at, value))
    return out
