"""Sourcing respects treasury's annual ceilings, learnt by event, on the real broker and database.

A ceiling set by ``treasury.annual_ceiling_set``; an order that fits is routed; the next,
which would take spent + committed past the ceiling, waits with the reason (in its
``order.status_changed`` and in ``GET /v1/orders/{id}``); the ceiling raised, it is routed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from shared.contracts import AnnualCeilingSet, FillRecorded, LegRouted, OrderStatusChanged
from tests.integration.sourcing.builders import Scene
from tests.integration.sourcing.harness import Sourcing, unique

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]

CAPPED = Scene("graphite", alone=True)
YEAR_END = Scene("barite", alone=True)


def ceiling(usd: str, scene: Scene = CAPPED) -> AnnualCeilingSet:
    now = datetime.now(UTC)
    return AnnualCeilingSet(
        mineral=scene.mineral,
        year=now.year,
        ceiling_usd=Decimal(usd),
        set_by="admin-test",
        set_at=now,
    )


async def test_an_order_past_the_ceiling_waits_with_the_reason_until_the_ceiling_is_raised(
    sourcing: Sourcing,
) -> None:
    house, first, second = unique("house"), unique("order"), unique("order")
    year = datetime.now(UTC).year
    await sourcing.register(CAPPED.trader(house))
    await sourcing.publish(CAPPED.offer(f"{house}-o1", house, quantity="1000", price="100"))
    await sourcing.send(ceiling("15000"))
    await sourcing.until(
        "SELECT ceiling_usd = 15000 FROM annual_ceilings WHERE mineral = $1 AND year = $2",
        CAPPED.mineral,
        year,
    )

    # 100 t at 100 USD: 10,000 of 15,000.
    await sourcing.request(CAPPED.procurement(first, quantity="100"))
    (routed,) = await sourcing.outputs.wait_for(first, LegRouted)
    assert routed["quantity"] == {"amount": "100", "unit": "t"}

    # Another 10,000 would make 20,000: it waits, whole, and says why.
    await sourcing.request(CAPPED.procurement(second, quantity="100"))
    reason = (
        f"annual_ceiling: graphite {year} ceiling 15,000 USD: spent 0 + committed 10,000, "
        "this placement 10,000 (5,000 left)"
    )
    (waiting,) = await sourcing.outputs.wait_for(second, OrderStatusChanged)
    assert (waiting["status"], waiting["open"], waiting["reason"]) == ("waiting", "100", reason)
    assert sourcing.outputs.of(second, LegRouted) == []
    shown = await sourcing.order(second)
    assert (shown["status"], shown["open"], shown["reason"]) == ("waiting", "100", reason)

    # Raised to 25,000: the waiting order is retried and routed.
    await sourcing.send(ceiling("25000"))
    (later,) = await sourcing.outputs.wait_for(second, LegRouted)
    assert later["quantity"] == {"amount": "100", "unit": "t"}
    (moved,) = await sourcing.outputs.wait_for(
        second, OrderStatusChanged, lambda e: e["status"] == "routed"
    )
    assert moved["open"] == "0"
    shown = await sourcing.order(second)
    assert (shown["status"], shown["reason"]) == ("routed", "")
    assert shown["decisions"][-1]["trigger"] == "ceiling_set"


async def test_a_fill_counts_in_the_year_it_was_confirmed_as_treasury_counts_it(
    sourcing: Sourcing,
) -> None:
    """A leg routed this year and filled in the next is spent next year, not this one: the
    same year treasury's spend report puts it in, so both say the same headroom."""
    house, first, second = unique("house"), unique("order"), unique("order")
    year = datetime.now(UTC).year
    await sourcing.register(YEAR_END.trader(house))
    await sourcing.publish(YEAR_END.offer(f"{house}-o1", house, quantity="1000", price="100"))
    await sourcing.send(ceiling("15000", YEAR_END))
    await sourcing.until(
        "SELECT ceiling_usd = 15000 FROM annual_ceilings WHERE mineral = $1 AND year = $2",
        YEAR_END.mineral,
        year,
    )
    await sourcing.request(YEAR_END.procurement(first, quantity="100"))
    (routed,) = await sourcing.outputs.wait_for(first, LegRouted)

    # Filled whole on the first second of next year: nothing of it is this year's any more.
    new_year = datetime(year + 1, 1, 1, tzinfo=UTC) + timedelta(seconds=1)
    await sourcing.send(YEAR_END.fill(unique("fill"), routed, quantity="100", filled_at=new_year))
    await sourcing.outputs.wait_for(first, FillRecorded)
    await sourcing.outputs.wait_for(first, OrderStatusChanged, lambda e: e["status"] == "filled")

    # This year: spent 0 + committed 0 + 10,000 fits under 15,000.
    await sourcing.request(YEAR_END.procurement(second, quantity="100"))
    (later,) = await sourcing.outputs.wait_for(second, LegRouted)
    assert later["quantity"] == {"amount": "100", "unit": "t"}
