"""Idempotency-Key: a retry returns the first answer and never books twice."""

from __future__ import annotations

import asyncio

from shared import topics
from tests.integration.trader_gateway.harness import Gateway, fill_body, trader_headers, unique


async def test_a_retried_fill_returns_the_first_answer_and_books_once(gateway: Gateway) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader)
    headers = trader_headers(key, unique("idem"))
    url = f"/v1/legs/{routed.leg_id}/fills"

    body = fill_body()  # one body: fill_body() stamps filled_at afresh on each call
    first = await gateway.client.post(url, json=body, headers=headers)
    retried = await gateway.client.post(url, json=body, headers=headers)

    assert first.status_code == retried.status_code == 201
    assert retried.content == first.content
    assert retried.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await gateway.outbox(routed.order_id) == ["fill.confirmed"]
    read = await gateway.client.get(f"/v1/legs/{routed.leg_id}", headers=trader_headers(key))
    assert read.json()["filled"]["amount"] == "40"


async def test_the_same_key_with_another_body_is_a_conflict(gateway: Gateway) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader)
    headers = trader_headers(key, unique("idem"))
    url = f"/v1/legs/{routed.leg_id}/fills"
    body = fill_body()
    assert (await gateway.client.post(url, json=body, headers=headers)).status_code == 201

    other = {**body, "quantity": {"amount": "41", "unit": "t"}}
    conflict = await gateway.client.post(url, json=other, headers=headers)

    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_key_reused"
    assert await gateway.outbox(routed.order_id) == ["fill.confirmed"]


async def test_a_body_sent_again_with_keys_reordered_and_numbers_respelt_is_the_same_request(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader)
    headers = trader_headers(key, unique("idem"))
    url = f"/v1/legs/{routed.leg_id}/fills"
    body = fill_body(quantity={"amount": 40, "unit": "t"})
    respelt = dict(reversed(list({**body, "quantity": {"unit": "t", "amount": 40.0}}.items())))

    first = await gateway.client.post(url, json=body, headers=headers)
    again = await gateway.client.post(url, json=respelt, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content


async def test_a_refusal_is_replayed_too_so_a_corrected_fill_needs_a_new_key(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader)
    headers = trader_headers(key, unique("idem"))
    url = f"/v1/legs/{routed.leg_id}/fills"
    too_much = fill_body(quantity={"amount": "500", "unit": "t"})

    first = await gateway.client.post(url, json=too_much, headers=headers)
    again = await gateway.client.post(url, json=too_much, headers=headers)

    assert first.status_code == again.status_code == 422
    assert again.content == first.content
    assert again.headers["content-type"] == "application/problem+json"


async def test_the_same_request_sent_concurrently_is_booked_once(gateway: Gateway) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader)
    headers = trader_headers(key, unique("idem"))
    url = f"/v1/legs/{routed.leg_id}/fills"

    body = fill_body()
    answers = await asyncio.gather(
        *(gateway.client.post(url, json=body, headers=headers) for _ in range(8))
    )

    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["fill_id"] for a in answers}) == 1
    assert sum(1 for a in answers if "idempotent-replayed" not in a.headers) == 1
    await gateway.recorder.wait_for(topics.TRADER_LEGS, routed.order_id, 1)
    assert await gateway.outbox(routed.order_id) == ["fill.confirmed"]


async def test_keys_are_per_trader_so_two_traders_may_use_the_same_one(gateway: Gateway) -> None:
    shared_key = unique("idem")
    for _ in range(2):
        trader, key = await gateway.register_trader()
        routed = await gateway.route_leg(trader)
        answer = await gateway.client.post(
            f"/v1/legs/{routed.leg_id}/fills",
            json=fill_body(),
            headers=trader_headers(key, shared_key),
        )
        assert answer.status_code == 201, answer.text
