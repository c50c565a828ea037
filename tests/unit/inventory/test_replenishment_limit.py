"""A release's replenishment is limited by what the drawn lots cost, plus headroom."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.inventory.domain import (
    DEFAULT_PRICE_HEADROOM,
    ReleasePlan,
    plan_release,
    replenishment_limit,
)
from tests.unit.inventory.builders import at, held_lot, lot_of, make_fill

prices = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(10**7), places=6)


def test_the_limit_is_the_dearest_drawn_lot_plus_a_quarter_by_default() -> None:
    lots = [
        lot_of(make_fill("a", unit_price=Decimal(30000))),
        lot_of(make_fill("b", unit_price=Decimal(36000))),
    ]

    limit = replenishment_limit(lots, DEFAULT_PRICE_HEADROOM)

    assert limit.price == Decimal(45000)
    assert "lot:b" in limit.basis


def test_lots_without_a_recorded_price_set_no_limit_and_are_named_when_others_do() -> None:
    old = replace(lot_of(make_fill("old")), unit_price=None)
    priced = lot_of(make_fill("new", unit_price=Decimal(100)))

    assert replenishment_limit([old], Decimal("0.25")).price is None
    mixed = replenishment_limit([old, priced], Decimal("0.25"))
    assert (mixed.price, "1 lot(s) drawn had no recorded price" in mixed.basis) == (
        Decimal(125),
        True,
    )


def test_only_the_lots_a_release_draws_set_its_limit() -> None:
    # FIFO draws the older, cheaper lot only: the dearer one, untouched, does not count.
    holdings = [
        held_lot(make_fill("cheap", quantity=Decimal(10), filled_at=at(0), unit_price=Decimal(10))),
        held_lot(make_fill("dear", quantity=Decimal(10), filled_at=at(1), unit_price=Decimal(99))),
    ]

    plan = plan_release(
        holdings, "maker-a", "cobalt", Decimal(4), release_id="r", at=at(5), lead_days=60
    )

    assert isinstance(plan, ReleasePlan)
    assert plan.replenishment.limit_price == Decimal("12.5")


def test_a_negative_headroom_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="headroom"):
        replenishment_limit([lot_of(make_fill())], Decimal("-0.1"))


@settings(max_examples=200, deadline=None)
@given(st.lists(prices, min_size=1, max_size=6), st.decimals(min_value=0, max_value=2, places=2))
def test_the_limit_is_never_below_any_drawn_price_nor_above_the_dearest_with_headroom(
    unit_prices: list[Decimal], headroom: Decimal
) -> None:
    lots = [lot_of(make_fill(f"f{n}", unit_price=p)) for n, p in enumerate(unit_prices)]

    limit = replenishment_limit(lots, headroom).price

    assert limit is not None
    dearest = max(unit_prices)
    assert dearest <= limit <= dearest * (1 + headroom)
    assert dearest * (1 + headroom) - limit < Decimal("0.000001")
    assert "E" not in str(limit)
