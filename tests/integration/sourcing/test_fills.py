"""Fills the gateway confirmed are recorded once, against their own leg, never refused."""

from __future__ import annotations

import pytest

from shared import topics
from shared.contracts import FillRecorded, LegRouted, OrderStatusChanged
from shared.dlq import list_dead_letters
from tests.integration.sourcing.builders import Scene
from tests.integration.sourcing.harness import Sourcing, unique

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

FILLED = Scene("gallium")


async def test_a_duplicate_fill_is_recorded_once_and_an_impossible_over_fill_is_learnt_and_noted(
    sourcing: Sourcing,
) -> None:
    scene, house, order_id = FILLED, unique("house"), unique("order")
    await sourcing.register(scene.trader(house))
    await sourcing.publish(scene.offer(f"{house}-o", house, quantity="500", price="400"))
    await sourcing.request(scene.procurement(order_id, quantity="250"))
    (leg,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == f"{order_id}.leg-1"
    )
    fill_id = unique("fill")
    fill = scene.fill(fill_id, leg, quantity="200")

    raw = await sourcing.send(fill)
    await sourcing.resend(fill, raw)  # redelivered as is
    await sourcing.send(fill)  # re-sent
    last = scene.fill(unique("fill"), leg, quantity="50", leg_filled="250")
    await sourcing.send(last)
    # More than the leg's quantity: the gateway can never confirm it (a bug if it did);
    # title passed all the same, so it is recorded and passed on, and noted for ops.
    over = scene.fill(unique("fill"), leg, quantity="60", leg_filled="250")
    await sourcing.send(over)

    recorded = await sourcing.outputs.wait_for(order_id, FillRecorded, count=3)
    assert [r["fill_id"] for r in recorded] == [fill_id, last.fill_id, over.fill_id]
    assert recorded[0]["quantity"] == {"amount": "200", "unit": "kg"}
    await sourcing.outputs.wait_for(order_id, OrderStatusChanged, lambda s: s["status"] == "filled")
    order = await sourcing.order(order_id)
    assert (order["status"], order["filled"], order["open"], order["on_legs"]) == (
        "filled",
        "250",
        "0",
        "0",
    )
    assert {f["fill_id"] for f in order["fills"]} == {fill_id, last.fill_id, over.fill_id}
    assert order["legs"][0]["status"] == "filled"
    # Never dead-lettered: noted as an anomaly, for ops to find the bug.
    letters = await list_dead_letters(sourcing.bootstrap, topics.TRADER_LEGS)
    assert [x for x in letters if over.fill_id.encode() in x.value] == []
    anomalies = (await sourcing.client.get("/v1/reconciliation/anomalies")).json()["items"]
    noted = [(a["kind"], a["fill_id"]) for a in anomalies if a["order_id"] == order_id]
    assert ("fill_beyond_leg", over.fill_id) in noted
