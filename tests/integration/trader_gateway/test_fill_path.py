"""The fill path's round trips, and a batch of fills booked as a set."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from services.trader_gateway.domain import BatchFill, FillProposal
from services.trader_gateway.handlers import declines, fills
from services.trader_gateway.repository.idempotency import Claim, StoredResponse
from shared import topics
from shared.contracts import Unit
from tests.integration.trader_gateway.harness import Gateway, fill_body, trader_headers, unique
from tests.integration.trader_gateway.statements import Statements


def _proposal(quantity: str) -> FillProposal:
    return FillProposal(
        quantity=Decimal(quantity),
        unit_price=Decimal("32000"),
        mineral="cobalt",
        origin_country="AU",
        warehouse_id="wh-1",
        lot_reference="LOT-1",
        filled_at=datetime.now(UTC),
        unit=Unit.TONNE,
        price_per=Unit.TONNE,
    )


def _claim(trader_id: str) -> Claim:
    return Claim(trader_id, unique("idem"), uuid.uuid4().hex, "POST", "/v1/fills/batch")


def _answer(outcome: object) -> StoredResponse:
    return StoredResponse("fingerprint", 200, repr(outcome).encode())


async def test_a_fill_a_decline_and_a_batch_of_fifty_each_take_two_statements(
    gateway: Gateway,
) -> None:
    """BEGIN; claim the key and lock the legs; write legs, fills, outbox, answer; COMMIT."""
    trader, _ = await gateway.register_trader()
    routed = [await gateway.route_leg(trader, quantity="100") for _ in range(5)]
    now = datetime.now(UTC)
    batch = [BatchFill(routed[i % 5].leg_id, _proposal("1.5")) for i in range(50)]
    async with gateway.pool.acquire() as conn:
        with Statements(conn) as one:
            async with conn.transaction():
                single = await fills.confirm_fill(
                    conn, trader, routed[0].leg_id, _proposal("2"), now, _claim(trader), _answer
                )
        with Statements(conn) as many:
            async with conn.transaction():
                booked = await fills.confirm_batch(
                    conn, trader, batch, now, _claim(trader), _answer
                )
        with Statements(conn) as declined:
            async with conn.transaction():
                await declines.decline(
                    conn, trader, routed[4].leg_id, None, "no stock", now, _claim(trader), _answer
                )
    assert isinstance(single.outcome, fills.FillBooked)
    assert isinstance(booked.outcome, list)
    assert all(isinstance(o, fills.FillBooked) for o in booked.outcome)
    assert (one.count, many.count, declined.count) == (4, 4, 4), (one.queries, many.queries)
    assert one.queries[0] == many.queries[0] == "BEGIN;"
    assert await gateway.pool.fetchval(
        "SELECT sum(quantity) FROM fills WHERE leg_id = $1", routed[0].leg_id
    ) == Decimal("17")  # 2 + 10 x 1.5
    assert await gateway.outbox(routed[4].order_id) == ["fill.confirmed"] * 10 + ["leg.closed"]


async def test_a_batch_of_a_hundred_fills_is_booked_as_one_set_each_fill_seeing_the_last(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    routed = [await gateway.route_leg(trader, quantity="10") for _ in range(4)]
    # 25 fills of 0.5 t per 10 t leg: the last five of each leg find it filled.
    items: list[dict[str, Any]] = [
        {"leg_id": routed[i % 4].leg_id, **fill_body(quantity={"amount": "0.5", "unit": "t"})}
        for i in range(100)
    ]
    answer = await gateway.client.post(
        "/v1/fills/batch", json={"fills": items}, headers=trader_headers(key, unique("idem"))
    )

    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert (result["accepted"], result["refused"]) == (80, 20)
    refused = {(r["index"], r["problem"]["code"]) for r in result["results"] if r["problem"]}
    assert refused == {(i, "leg_not_open") for i in range(80, 100)}
    remaining = [r["fill"]["leg"]["remaining"]["amount"] for r in result["results"][:80:4]]
    assert remaining == [str(Decimal("10") - Decimal("0.5") * n) for n in range(1, 21)]
    for leg in routed:
        events = await gateway.recorder.wait_for(topics.TRADER_LEGS, leg.order_id, 20)
        assert len(events) == 20
        fill_ids = await gateway.pool.fetch(
            "SELECT fill_id FROM fills WHERE leg_id = $1", leg.leg_id
        )
        booked = {r["fill_id"] for r in fill_ids}
        # In the outbox (and so on the topic) in the order the batch booked them.
        assert [e["payload"]["fill_id"] for e in events] == [
            r["fill"]["fill_id"]
            for r in result["results"]
            if r["fill"] and r["fill"]["leg_id"] == leg.leg_id
        ]
        assert {e["payload"]["fill_id"] for e in events} == booked
    read = await gateway.client.get(f"/v1/legs/{routed[0].leg_id}", headers=trader_headers(key))
    assert read.json()["status"] == "filled"


async def test_batches_naming_the_same_legs_in_opposite_orders_neither_deadlock_nor_over_fill(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    legs = [await gateway.route_leg(trader, quantity="30") for _ in range(3)]

    def batch(order: list[int]) -> dict[str, Any]:
        return {
            "fills": [
                {"leg_id": legs[i].leg_id, **fill_body(quantity={"amount": "4", "unit": "t"})}
                for i in order * 3
            ]
        }

    answers = await asyncio.gather(
        *(
            gateway.client.post(
                "/v1/fills/batch",
                json=batch([0, 1, 2] if n % 2 else [2, 1, 0]),
                headers=trader_headers(key, unique("idem")),
            )
            for n in range(6)
        )
    )

    assert {a.status_code for a in answers} == {200}
    # 6 batches x 3 fills of 4 t per 30 t leg: 7 fit (28 t), the other 11 are refused.
    accepted = sum(a.json()["accepted"] for a in answers)
    assert accepted == 3 * 7
    for leg in legs:
        filled = await gateway.pool.fetchval(
            "SELECT filled_quantity FROM legs WHERE leg_id = $1", leg.leg_id
        )
        assert filled == Decimal("28")


async def test_a_retried_batch_returns_the_first_answer_and_books_once(gateway: Gateway) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader)
    headers = trader_headers(key, unique("idem"))
    body = {
        "fills": [{"leg_id": routed.leg_id, **fill_body(quantity={"amount": "10", "unit": "t"})}]
        * 3
    }

    first = await gateway.client.post("/v1/fills/batch", json=body, headers=headers)
    again = await gateway.client.post("/v1/fills/batch", json=body, headers=headers)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert await gateway.outbox(routed.order_id) == ["fill.confirmed"] * 3
