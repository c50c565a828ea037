"""Charts are SVG drawn on the server: labels escaped, nothing fetched, zeros said in words."""

from __future__ import annotations

from services.console.domain.shares import Bars
from services.console.pages import charts


def test_labels_are_escaped_and_no_script_is_referenced() -> None:
    svg = str(charts.bars(Bars(["<script>x</script>"], {"a": [1.0]}), "t"))
    assert "<script>x" not in svg
    assert "&lt;script&gt;" in svg
    assert "kozea.github.io" not in svg  # pygal's tooltip script is fetched from the web


def test_a_chart_of_nothing_but_zeros_says_so_instead() -> None:
    html = str(charts.single({"a": 0.0}, "Lag", series="lag", empty="No consumer is behind."))
    assert "<svg" not in html
    assert "No consumer is behind." in html


def test_compact_numbers() -> None:
    assert charts.compact(144000, " USD") == "144k USD"
    assert charts.compact(1_250_000) == "1.25M"
    assert charts.compact(0.25) == "0.25"
