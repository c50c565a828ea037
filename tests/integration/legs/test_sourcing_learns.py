"""Findings 2, 3 and 4 of issue 12, as sourcing meets them on its topics.

2. A fill confirmed just before the leg's deadline reached sourcing after its own
   sweep had expired the leg: refused (a dead letter), and the rest bought again.
3. A decline read before the fill that preceded it cascaded the whole leg, and the
   fill was then refused.
4. A phase change did not retry the mineral's waiting orders.

Now the gateway alone decides a leg's fills and its closing; sourcing learns them in
the order the gateway decided them, and cascades only what the closing left undone.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from shared.contracts import FillConfirmed, FillRecorded, LegRouted, OrderStatusChanged
from shared.dlq import list_dead_letters
from tests.integration.sourcing.builders import Scene
from tests.integration.sourcing.harness import Sourcing, unique

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

EXPIRY = Scene("cobalt", alone=True)
OVERTAKEN = Scene("lithium", alone=True)
PHASES = Scene("neodymium", alone=True)


async def _specialists(sourcing: Sourcing, scene: Scene) -> tuple[str, str]:
    first, second = unique("first"), unique("second")
    await sourcing.register(scene.trader(first), scene.trader(second, rank=2))
    return first, second


async def _first_leg(sourcing: Sourcing, scene: Scene, order_id: str) -> dict[str, object]:
    await sourcing.request(scene.procurement(order_id, quantity="100", limit_price="50"))
    (leg,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == f"{order_id}.leg-1"
    )
    return leg


async def _dead_letters_naming(sourcing: Sourcing, text: str) -> list[str]:
    letters = await list_dead_letters(sourcing.bootstrap, FillConfirmed.TOPIC)
    return [letter.reason for letter in letters if text.encode() in letter.value]


async def test_a_fill_confirmed_before_the_deadline_is_recorded_though_it_arrives_after_it(
    sourcing: Sourcing,
) -> None:
    scene, order_id = EXPIRY, unique("order")
    first, _ = await _specialists(sourcing, scene)
    leg = await _first_leg(sourcing, scene, order_id)
    assert leg["trader_id"] == first
    deadline = datetime.fromisoformat(str(leg["deadline"]))
    # The trader confirmed in time; the fill reaches sourcing well after the deadline.
    await asyncio.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 1.5)
    fill = scene.fill(
        unique("fill"), leg, quantity="100", filled_at=deadline - timedelta(seconds=1)
    )

    await sourcing.send(fill)

    (recorded,) = await sourcing.outputs.wait_for(order_id, FillRecorded, timeout_s=10)
    assert recorded["fill_id"] == fill.fill_id
    order = await sourcing.order(order_id)
    assert (order["status"], order["filled"]) == ("filled", "100")
    # Nothing of it was bought again elsewhere, and nothing was refused.
    assert [x["leg_id"] for x in order["legs"]] == [leg["leg_id"]]
    assert await _dead_letters_naming(sourcing, fill.fill_id) == []


async def test_a_decline_read_before_the_fill_it_followed_cascades_only_what_was_left(
    sourcing: Sourcing,
) -> None:
    scene, order_id = OVERTAKEN, unique("order")
    _, second = await _specialists(sourcing, scene)
    leg = await _first_leg(sourcing, scene, order_id)
    fill = scene.fill(unique("fill"), leg, quantity="80")

    # The gateway confirmed 80 t, then the decline of the last 20 t; the decline comes first.
    await sourcing.send(scene.decline(leg, filled="80"))
    (cascaded,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == f"{order_id}.leg-2"
    )
    await sourcing.send(fill)

    assert (cascaded["trader_id"], cascaded["quantity"]["amount"]) == (second, "20")
    (recorded,) = await sourcing.outputs.wait_for(order_id, FillRecorded, timeout_s=10)
    assert recorded["fill_id"] == fill.fill_id
    order = await sourcing.order(order_id)
    assert (order["status"], order["filled"], order["on_legs"], order["open"]) == (
        "partly_filled",
        "80",
        "20",
        "0",
    )
    assert [(x["status"], x["filled"]) for x in order["legs"]] == [
        ("declined", "80"),
        ("open", "0"),
    ]
    assert await _dead_letters_naming(sourcing, fill.fill_id) == []


async def test_a_phase_change_retries_the_orders_of_its_mineral_that_wait(
    sourcing: Sourcing,
) -> None:
    scene, house, order_id = PHASES, unique("house"), unique("order")
    await sourcing.set_phase(scene.phase("replenishment"))
    await sourcing.register(scene.trader(house))
    # The only offer is from an origin replenishment excludes (and there is no limit
    # price for a specialist's mandate): the order waits.
    await sourcing.publish(scene.offer(f"{house}-o", house, origin="RU", quantity="500"))
    await sourcing.request(scene.procurement(order_id, quantity="100"))
    await sourcing.outputs.wait_for(
        order_id, OrderStatusChanged, lambda status: status["status"] == "waiting"
    )

    await sourcing.set_phase(scene.phase("initial_fill"))

    (leg,) = await sourcing.outputs.wait_for(order_id, LegRouted, timeout_s=10)
    assert (leg["offer_id"], leg["origin_country"], leg["phase"]) == (
        f"{house}-o",
        "RU",
        "initial_fill",
    )
    assert leg["quantity"]["amount"] == "100"


IN_ORDER = Scene("tungsten", alone=True)


async def test_a_fill_then_the_decline_of_the_rest_on_the_one_stream_cascades_only_the_rest(
    sourcing: Sourcing,
) -> None:
    scene, order_id = IN_ORDER, unique("order")
    _, second = await _specialists(sourcing, scene)
    leg = await _first_leg(sourcing, scene, order_id)

    # As the gateway tells them: the fill, then the closing that counts it.
    await sourcing.send(scene.fill(unique("fill"), leg, quantity="80"))
    await sourcing.send(scene.decline(leg, filled="80"))

    (cascaded,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == f"{order_id}.leg-2"
    )
    assert (cascaded["trader_id"], cascaded["quantity"]["amount"]) == (second, "20")
    await sourcing.outputs.wait_for(order_id, FillRecorded)
    anomalies = (await sourcing.client.get("/v1/reconciliation/anomalies")).json()["items"]
    assert [a for a in anomalies if a["order_id"] == order_id] == []
