"""The money page's chart: spent, committed and headroom per mineral and year."""

from __future__ import annotations

from services.console.pages.money import spend_bars


def test_spend_bars_show_spent_committed_and_headroom_per_mineral_and_year() -> None:
    bars = spend_bars(
        [
            {
                "mineral": "cobalt",
                "year": 2026,
                "spent_usd": "870000",
                "committed_usd": "0",
                "headroom_usd": "4130000",
            },
            {
                "mineral": "lithium",
                "year": 2026,
                "spent_usd": "330000",
                "committed_usd": "10",
                "headroom_usd": None,
            },
        ]
    )
    assert bars.labels == ["cobalt 2026", "lithium 2026"]
    assert bars.series == {
        "spent": [870000.0, 330000.0],
        "committed": [0.0, 10.0],
        "headroom": [4130000.0, 0.0],
    }
