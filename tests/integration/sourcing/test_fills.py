"""Fills are recorded once, against their own leg, never beyond it."""

from __future__ import annotations

import pytest

from shared import topics
from shared.dlq import list_dead_letters
from tests.integration.sourcing.builders import Scene
from tests.integration.sourcing.harness import Sourcing, unique

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

FILLED = Scene("gallium")


async def test_a_duplicate_fill_is_recorded_once_and_an_over_fill_never(
    sourcing: Sourcing,
) -> None:
    scene, house, order_id = FILLED, unique("house"), unique("order")
    await sourcing.register(scene.trader(house))
    await sourcing.publish(scene.offer(f"{house}-o", house, quantity="500", price="400"))
    await sourcing.request(scene.procurement(order_id, quantity="250"))
    (leg,) = await sourcing.outputs.wait_for(
        order_id, "leg.routed", lambda leg: leg["leg_id"] == f"{order_id}.leg-1"
    )
    fill_id = unique("fill")
    fill = scene.fill(fill_id, leg, quantity="200")

    raw = await sourcing.send(topics.TRADER_FILLS, "fill.confirmed", fill, key=order_id)
    await sourcing.resend(topics.TRADER_FILLS, raw, key=order_id)  # redelivered as is
    await sourcing.send(topics.TRADER_FILLS, "fill.confirmed", fill, key=order_id)  # re-sent
    # More than the 50 kg left on the leg: refused whole, never recorded in part.
    over = scene.fill(unique("fill"), leg, quantity="60")
    await sourcing.send(topics.TRADER_FILLS, "fill.confirmed", over, key=order_id)
    last = scene.fill(unique("fill"), leg, quantity="50")
    await sourcing.send(topics.TRADER_FILLS, "fill.confirmed", last, key=order_id)

    recorded = await sourcing.outputs.wait_for(order_id, "order.fill_recorded", count=2)
    assert [r["fill_id"] for r in recorded] == [fill_id, last.fill_id]
    assert recorded[0]["quantity"] == {"amount": "200", "unit": "kg"}
    await sourcing.outputs.wait_for(
        order_id, "order.status_changed", lambda s: s["status"] == "filled"
    )
    order = await sourcing.order(order_id)
    assert (order["status"], order["filled"], order["open"], order["on_legs"]) == (
        "filled",
        "250",
        "0",
        "0",
    )
    assert [f["fill_id"] for f in order["fills"]] == [fill_id, last.fill_id]
    assert order["legs"][0]["status"] == "filled"
    # The refused fill is not lost: it waits in the dead letters with its reason, for ops.
    (refused,) = [
        letter
        for letter in await list_dead_letters(sourcing.bootstrap, topics.TRADER_FILLS)
        if over.fill_id.encode() in letter.value
    ]
    assert (refused.reason, refused.consumer) == ("fill_refused", "sourcing")
    assert "exceeds the 50 left on the leg" in refused.error
