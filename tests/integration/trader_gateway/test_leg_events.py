"""Sourcing's events feed the view: routed legs appear, cancelled ones close, bad ones are set aside."""

from __future__ import annotations

import json

from shared import topics
from shared.codec import encode
from shared.envelope import new_event
from tests.integration.trader_gateway.harness import (
    Gateway,
    fill_body,
    trader_headers,
    unique,
)
from tests.support.kafka import read_all


async def test_a_leg_cancelled_by_sourcing_can_no_longer_be_filled(gateway: Gateway) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader)
    await gateway.cancel_leg(routed)

    read = await gateway.client.get(f"/v1/legs/{routed.leg_id}", headers=trader_headers(key))
    assert read.json()["status"] == "cancelled"
    refused = await gateway.client.post(
        f"/v1/legs/{routed.leg_id}/fills",
        json=fill_body(),
        headers=trader_headers(key, unique("i")),
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "leg_not_open")


async def test_an_off_contract_leg_event_is_dead_lettered_and_the_next_one_still_arrives(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    good = await gateway.route_leg(trader)
    broken = json.loads(encode(new_event(good, key=good.order_id, producer="x")))
    broken["payload"]["quantity"] = {"amount": "-5", "unit": "t"}
    broken["payload"]["leg_id"] = poison_leg = unique("leg")
    await gateway.producer.send_and_wait(
        topics.SOURCING_LEGS, json.dumps(broken).encode(), key=good.order_id.encode()
    )
    after = await gateway.route_leg(trader)  # same key, so it queues behind the poison

    dead = await read_all(
        gateway.recorder.bootstrap, topics.dead_letter_topic(topics.SOURCING_LEGS), 1
    )
    assert any(poison_leg.encode() in value for _, value in dead)
    listed = await gateway.client.get("/v1/legs", headers=trader_headers(key))
    assert {item["leg_id"] for item in listed.json()["items"]} == {good.leg_id, after.leg_id}
