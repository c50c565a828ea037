"""Issue 16: the coverage page's chart data: days of supply beside each target."""

from __future__ import annotations

from typing import Any

from services.console.domain.coverage import below_target, days_against_target
from services.console.pages import charts

PROGRAM: list[dict[str, Any]] = [
    {"mineral": "vanadium", "days": "53.3", "target_days": 60, "meets_target": False},
    {"mineral": "cobalt", "days": None, "target_days": 60, "meets_target": True},
]
MAKERS: list[dict[str, Any]] = [
    {
        "manufacturer_id": "a",
        "mineral": "vanadium",
        "days": "50.0",
        "target_days": 60,
        "meets_target": False,
    },
    {
        "manufacturer_id": "b",
        "mineral": "vanadium",
        "days": "60.0",
        "target_days": 60,
        "meets_target": True,
    },
]


def test_each_row_is_its_days_beside_its_target() -> None:
    bars = days_against_target(PROGRAM, "mineral")
    assert bars.labels == ["vanadium", "cobalt"]
    assert bars.series == {"days of supply": [53.3, 0.0], "target": [60.0, 60.0]}
    assert days_against_target(MAKERS, "manufacturer_id").labels == [
        "a · vanadium",
        "b · vanadium",
    ]


def test_who_is_below_target() -> None:
    assert [r["manufacturer_id"] for r in below_target(MAKERS)] == ["a"]


def test_the_chart_is_drawn_and_says_so_when_there_is_nothing() -> None:
    assert "<svg" in charts.bars(days_against_target(PROGRAM, "mineral"), "t", stacked=False)
    assert "No agreement" in charts.bars(
        days_against_target([], "mineral"), "t", empty="No agreement is in force."
    )
