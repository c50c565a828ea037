"""What the stockpile, waterfall and traders charts draw."""

from __future__ import annotations

from decimal import Decimal

from services.console.domain import shares

ROWS = [
    {
        "mineral": "cobalt",
        "unit": "t",
        "tier": "domestic",
        "quantity": "20",
        "premium_usd": "120000",
    },
    {"mineral": "cobalt", "unit": "t", "tier": "allied", "quantity": "5", "premium_usd": "0"},
    {"mineral": "gallium", "unit": "kg", "tier": "other", "quantity": "150", "premium_usd": "0"},
]


def test_one_bar_per_mineral_with_its_unit_and_total_and_tiers_in_waterfall_order() -> None:
    bars = shares.by_mineral(ROWS, "tier", order=shares.TIERS, totals=True)
    assert bars.labels == ["cobalt (25 t)", "gallium (150 kg)"]
    assert list(bars.series) == ["domestic", "allied", "other"]
    assert bars.series["domestic"] == [20.0, 0.0]


def test_shares_are_percentages_of_each_mineral() -> None:
    pct = shares.shares(shares.by_mineral(ROWS, "tier", order=shares.TIERS))
    assert pct.series["domestic"][0] == 80.0
    assert pct.series["other"][1] == 100.0


def test_premium_per_mineral_leaves_out_minerals_that_paid_none() -> None:
    assert shares.premium_by_mineral(ROWS) == {"cobalt": Decimal(120000)}


def test_fill_rate_counts_finished_legs_only() -> None:
    [record] = shares.traders(
        [
            {
                "trader_id": "t1",
                "open_legs": 4,
                "filled_legs": 1,
                "declined_legs": 2,
                "expired_legs": 1,
                "cancelled_legs": 3,
                "fills": 2,
                "median_time_to_fill_s": 1.5,
                "mean_time_to_fill_s": None,
            }
        ]
    )
    assert record.fill_rate == 0.25
    assert shares.traders([]) == []
