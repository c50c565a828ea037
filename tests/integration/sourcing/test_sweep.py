"""The sweep, run by the clock: orders past delivery ask their legs back, then expire, once.

Sourcing never expires a leg itself (the gateway does, at the deadline, and says so);
an order whose delivery day is over asks the gateway for its open legs back
(``leg.cancel_requested``), and expires once their closings come.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from services.sourcing.handlers import (
    book_offers,
    close_legs,
    expire_overdue,
    place_requests,
    register_trader,
)
from shared.contracts import LegCancelRequested, LegRouted, OrderStatusChanged
from tests.integration.sourcing.batch_support import Isolated, event, payloads, placed
from tests.integration.sourcing.builders import Scene
from tests.integration.sourcing.harness import unique

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

TIN = Scene("tin", alone=True)
ZINC = Scene("zinc", alone=True)


async def _routed_due_tomorrow(isolated: Isolated) -> dict[str, Any]:
    """An order due tomorrow on a leg to an offer available today: its first leg.routed."""
    house, order_id = unique("house"), unique("order")
    await isolated.apply_each(register_trader.trader_registered, event(TIN.trader(house)))
    offer = TIN.offer(f"{house}-o", house, quantity="40", available_in_days=0)
    await isolated.apply_each(book_offers.published, event(offer))
    request = TIN.procurement(order_id, quantity="40", deliver_in_days=1)
    await isolated.apply(place_requests.requested, event(request))
    (leg,) = payloads(await isolated.outbox(order_id), LegRouted)
    return leg


async def test_two_replicas_sweeping_together_ask_each_leg_back_and_expire_each_order_once(
    isolated: Isolated,
) -> None:
    leg = await _routed_due_tomorrow(isolated)
    waiting_id = unique("order")
    await isolated.apply(
        place_requests.requested,
        event(ZINC.procurement(waiting_id, deliver_in_days=0)),
    )
    assert (await placed(isolated, waiting_id))["status"] == "waiting"

    later = datetime.now(UTC) + timedelta(days=3)
    await asyncio.gather(
        expire_overdue.sweep(isolated.at(later)), expire_overdue.sweep(isolated.at(later))
    )
    await expire_overdue.sweep(isolated.at(later))  # and again: asked once is enough

    said = await isolated.outbox(leg["order_id"])
    asked = payloads(said, LegCancelRequested)
    deliver_by = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    assert [(a["leg_id"], a["reason"]) for a in asked] == [
        (leg["leg_id"], f"deliver_by {deliver_by} passed")
    ]
    # Its leg is still the gateway's until the gateway closes it: nothing cascades.
    assert [r["leg_id"] for r in payloads(said, LegRouted)] == [leg["leg_id"]]
    assert (await placed(isolated, leg["order_id"]))["status"] == "routed"
    expired = payloads(await isolated.outbox(waiting_id), OrderStatusChanged)
    assert [(s["status"], s["reason"]) for s in expired][1:] == [
        (
            "expired",
            f"deliver_by {datetime.now(UTC).date().isoformat()} passed with 100 t not placed",
        )
    ]


async def test_an_order_asked_back_expires_when_the_gateway_closes_its_last_leg(
    isolated: Isolated,
) -> None:
    leg = await _routed_due_tomorrow(isolated)
    later = isolated.at(datetime.now(UTC) + timedelta(days=3))
    await expire_overdue.sweep(later)

    closing = TIN.closing(leg, "cancelled", filled="15", detail="deliver_by passed")
    async with isolated.transaction() as conn:
        await close_legs.closed(conn, [event(closing)], ctx=later)
    # The 15 t the gateway counted before cancelling come as a fill of their own.

    order = await placed(isolated, leg["order_id"])
    assert (order["status"], order["open_quantity"]) == ("expired", Decimal(25))
    assert order["legs"] == [40]  # nothing placed again
    status = await isolated.pool.fetchval(
        "SELECT status FROM legs WHERE leg_id = $1", leg["leg_id"]
    )
    assert status == "cancelled"
