"""Requests become legs routed to specialists: the book, the phase and the waterfall decide."""

from __future__ import annotations

import pytest

from shared.contracts import LegRouted, OfferWithdrawn, OrderStatusChanged
from tests.integration.sourcing.builders import Scene
from tests.integration.sourcing.harness import Sourcing, unique

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

OFFERED = Scene("cobalt")
WITHIN_CAP = Scene("lithium")
BEYOND_CAP = Scene("uranium")
INITIAL_FILL = Scene("metallurgical_coal")
MANDATED = Scene("nickel")
UNSERVED = Scene("copper")
WITHDRAWN = Scene("platinum")


def first_leg(order_id: str) -> str:
    return f"{order_id}.leg-1"


async def test_a_request_with_an_offer_in_the_book_is_routed_to_the_offering_specialist(
    sourcing: Sourcing,
) -> None:
    scene, house, order_id = OFFERED, unique("house"), unique("order")
    await sourcing.register(scene.trader(house))
    await sourcing.publish(scene.offer(f"{house}-o1", house, quantity="150", price="98.5"))

    await sourcing.request(scene.procurement(order_id))

    (leg,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == first_leg(order_id)
    )
    assert leg["trader_id"] == house
    assert leg["kind"] == "offer"
    assert leg["offer_id"] == f"{house}-o1"
    assert leg["quantity"] == {"amount": "100", "unit": "t"}
    assert leg["limit_price"]["amount"] == "98.5"
    assert leg["phase"] == "initial_fill"
    assert leg["policy_version"] == "2026-03-01"
    (routed,) = await sourcing.outputs.wait_for(order_id, OrderStatusChanged)
    assert (routed["status"], routed["open"], routed["filled"]) == ("routed", "0", "0")


async def test_in_replenishment_a_dearer_domestic_offer_within_the_cap_beats_a_cheaper_allied_one(
    sourcing: Sourcing,
) -> None:
    scene, home, ally, order_id = WITHIN_CAP, unique("home"), unique("ally"), unique("order")
    await sourcing.register(scene.trader(home), scene.trader(ally, rank=2))
    await sourcing.publish(
        scene.offer(f"{home}-us", home, origin="US", price="124"),  # 24% over the allied price
        scene.offer(f"{ally}-ca", ally, origin="CA", price="100"),
    )
    await sourcing.set_phase(scene.phase("replenishment"))

    await sourcing.request(scene.procurement(order_id))

    (leg,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == first_leg(order_id)
    )
    assert (leg["trader_id"], leg["tier"], leg["origin_country"]) == (home, "domestic", "US")
    assert leg["phase"] == "replenishment"
    assert sourcing.outputs.of(order_id, LegRouted)[0].payload["leg_id"] == leg["leg_id"]


async def test_in_replenishment_a_domestic_offer_beyond_the_cap_loses_to_the_allied_one(
    sourcing: Sourcing,
) -> None:
    scene, home, ally, order_id = BEYOND_CAP, unique("home"), unique("ally"), unique("order")
    await sourcing.register(scene.trader(home), scene.trader(ally, rank=2))
    await sourcing.publish(
        scene.offer(f"{home}-us", home, origin="US", price="126"),  # 26% over: beyond the cap
        scene.offer(f"{ally}-ca", ally, origin="CA", price="100"),
    )

    # Refilling a release goes down the waterfall although the mineral is in initial fill.
    await sourcing.request(scene.procurement(order_id, kind="replenishment"))

    (leg,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == first_leg(order_id)
    )
    assert (leg["trader_id"], leg["tier"], leg["origin_country"]) == (ally, "allied", "CA")
    assert leg["phase"] == "replenishment"


async def test_in_initial_fill_a_cheaper_and_sooner_offer_of_any_origin_wins(
    sourcing: Sourcing,
) -> None:
    scene, home, other, order_id = INITIAL_FILL, unique("home"), unique("other"), unique("order")
    await sourcing.register(scene.trader(home), scene.trader(other, rank=2))
    await sourcing.publish(
        scene.offer(
            f"{home}-us", home, origin="US", price="100", quantity="60", available_in_days=20
        ),
        scene.offer(
            f"{other}-cn", other, origin="CN", price="80", quantity="60", available_in_days=5
        ),
    )

    await sourcing.request(scene.procurement(order_id))

    first, second = await sourcing.outputs.wait_for(
        order_id,
        LegRouted,
        lambda leg: leg["leg_id"] in {first_leg(order_id), f"{order_id}.leg-2"},
        count=2,
    )
    assert (first["trader_id"], first["origin_country"], first["tier"]) == (other, "CN", "other")
    assert first["quantity"]["amount"] == "60"
    assert (second["trader_id"], second["quantity"]["amount"]) == (home, "40")
    assert first["phase"] == second["phase"] == "initial_fill"


async def test_with_no_offer_the_request_is_mandated_to_the_best_ranked_specialist(
    sourcing: Sourcing,
) -> None:
    scene, second, first, order_id = MANDATED, unique("second"), unique("first"), unique("order")
    await sourcing.register(scene.trader(second, rank=2), scene.trader(first, rank=1))

    await sourcing.request(scene.procurement(order_id, limit_price="150", kind="replenishment"))

    (leg,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == first_leg(order_id)
    )
    assert (leg["trader_id"], leg["kind"], leg["offer_id"]) == (first, "mandate", None)
    assert leg["quantity"]["amount"] == "100"
    assert leg["limit_price"] == {"amount": "150", "currency": "USD", "per": "t"}
    assert leg["tier_preference"] == ["domestic", "allied", "other"]
    (routed,) = await sourcing.outputs.wait_for(order_id, OrderStatusChanged)
    assert routed["status"] == "routed"


async def test_with_no_specialist_the_order_waits_with_its_reason_until_an_offer_arrives(
    sourcing: Sourcing,
) -> None:
    scene, house, order_id = UNSERVED, unique("house"), unique("order")
    await sourcing.request(scene.procurement(order_id))
    (waiting,) = await sourcing.outputs.wait_for(order_id, OrderStatusChanged)
    assert (waiting["status"], waiting["open"]) == ("waiting", "100")
    assert (
        waiting["reason"]
        == "no offer covers 100 t; no specialist registered for market base_metals"
    )

    # A specialist registers; without a limit price no mandate could bound its exposure.
    await sourcing.register(scene.trader(house))
    _, still = await sourcing.outputs.wait_for(order_id, OrderStatusChanged, count=2)
    assert still["status"] == "waiting"
    assert still["reason"].endswith("no limit price to bound a specialist's exposure")

    await sourcing.publish(scene.offer(f"{house}-o1", house, quantity="100"))

    (leg,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == first_leg(order_id)
    )
    assert (leg["trader_id"], leg["offer_id"]) == (house, f"{house}-o1")
    routed = (await sourcing.outputs.wait_for(order_id, OrderStatusChanged, count=3))[2]
    assert (routed["status"], routed["open"], routed["reason"]) == ("routed", "0", "")


async def test_a_withdrawn_offer_is_never_taken(sourcing: Sourcing) -> None:
    scene, house, order_id = WITHDRAWN, unique("house"), unique("order")
    await sourcing.register(scene.trader(house))
    await sourcing.publish(scene.offer(f"{house}-o", house, price="30000"))
    withdrawal = OfferWithdrawn(offer_id=f"{house}-o", trader_id=house, mineral=scene.mineral)
    await sourcing.send(withdrawal)
    await sourcing.until(
        "SELECT withdrawn_at IS NOT NULL FROM offers WHERE offer_id = $1", f"{house}-o"
    )

    await sourcing.request(scene.procurement(order_id, quantity="20", limit_price="32000"))

    (leg,) = await sourcing.outputs.wait_for(
        order_id, LegRouted, lambda leg: leg["leg_id"] == first_leg(order_id)
    )
    assert (leg["kind"], leg["trader_id"], leg["offer_id"]) == ("mandate", house, None)
    assert leg["quantity"] == {"amount": "20", "unit": "kg"}
    assert (await sourcing.order(order_id))["explanation"]["considered"] == []
