"""A leg that fails (declined, expired, filled in part) cascades its rest down the waterfall.

The gateway decides that a leg failed (``leg.closed``) and says what it left undone;
sourcing sends exactly that on.
"""

from __future__ import annotations

import pytest

from shared.contracts import FillRecorded, LegCancelRequested, LegRouted, OrderStatusChanged
from tests.integration.sourcing.builders import Scene
from tests.integration.sourcing.harness import Sourcing, unique

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

DECLINED = Scene("tungsten")
EXPIRED = Scene("boron")


async def test_a_partial_fill_then_a_decline_cascades_the_rest_to_the_next_candidate(
    sourcing: Sourcing,
) -> None:
    scene, first, next_in_line = DECLINED, unique("first"), unique("next")
    order_id = unique("order")
    await sourcing.register(scene.trader(first), scene.trader(next_in_line, rank=2))
    await sourcing.publish(
        scene.offer(f"{first}-o", first, origin="CA", price="90"),
        scene.offer(f"{next_in_line}-o", next_in_line, origin="AU", price="95"),
    )
    await sourcing.request(scene.procurement(order_id, kind="replenishment"))
    (leg,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == f"{order_id}.leg-1"
    )
    assert leg["trader_id"] == first

    await sourcing.send(scene.fill(unique("fill"), leg, quantity="30"))
    (recorded,) = await sourcing.outputs.wait_for(order_id, FillRecorded)
    assert (recorded["quantity"]["amount"], recorded["tier"]) == ("30", "allied")
    assert (recorded["phase"], recorded["policy_version"]) == ("replenishment", "2026-03-01")
    await sourcing.outputs.wait_for(
        order_id, OrderStatusChanged, lambda s: s["status"] == "partly_filled"
    )

    await sourcing.send(scene.decline(leg, filled="30"))

    (cascaded,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == f"{order_id}.leg-2"
    )
    assert (cascaded["trader_id"], cascaded["offer_id"]) == (next_in_line, f"{next_in_line}-o")
    assert cascaded["quantity"]["amount"] == "70"
    order = await sourcing.order(order_id)
    assert (order["status"], order["filled"], order["on_legs"], order["open"]) == (
        "partly_filled",
        "30",
        "70",
        "0",
    )
    declined = order["legs"][0]
    assert (declined["status"], declined["filled"]) == ("declined", "30")
    assert order["decisions"][-1]["record"]["cascaded_from"] == leg["leg_id"]


async def test_a_leg_the_gateway_expired_unfilled_cascades_its_quantity(
    sourcing: Sourcing,
) -> None:
    scene, slow, next_in_line = EXPIRED, unique("slow"), unique("next")
    order_id = unique("order")
    await sourcing.register(scene.trader(slow), scene.trader(next_in_line, rank=2))
    await sourcing.publish(
        scene.offer(f"{slow}-o", slow, origin="US", price="100", quantity="40"),
        scene.offer(f"{next_in_line}-o", next_in_line, origin="JP", price="100", quantity="500"),
    )
    await sourcing.request(scene.procurement(order_id, quantity="40", kind="replenishment"))
    (leg,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == f"{order_id}.leg-1"
    )
    assert leg["trader_id"] == slow

    # Nobody answers: the gateway's sweep expires the leg at its deadline and says so.
    await sourcing.send(scene.closing(leg, "expired", detail="the deadline passed"))
    (cascaded,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == f"{order_id}.leg-2"
    )
    # Sourcing never expires a leg itself, and has nothing to ask back.
    assert sourcing.outputs.of(order_id, LegCancelRequested) == []
    order = await sourcing.order(order_id)
    assert (order["legs"][0]["status"], order["legs"][0]["closed_reason"]) == (
        "expired",
        "expired unfilled",
    )
    assert (cascaded["trader_id"], cascaded["quantity"]["amount"]) == (next_in_line, "40")
    assert cascaded["tier"] == "allied"
