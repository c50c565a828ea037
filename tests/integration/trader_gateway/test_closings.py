"""The gateway closes legs itself: the expiry sweep at the deadline, cancellations on request.

Each closing is decided under the leg's row lock, after every fill it took, and says
so on the leg's stream (``leg.closed``: filled, undone): a fill answered 201 before the
closing is counted in it, and none is accepted after it.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from shared import topics
from shared.contracts import LegRouted
from tests.integration.trader_gateway.harness import Gateway, fill_body, trader_headers, unique

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]


def _leg_events(gateway: Gateway, routed: LegRouted) -> list[dict[str, Any]]:
    return [
        e
        for e in gateway.recorder.of(topics.TRADER_LEGS, routed.order_id)
        if e["payload"]["leg_id"] == routed.leg_id
    ]


async def _closing(gateway: Gateway, routed: LegRouted) -> dict[str, Any]:
    async with asyncio.timeout(20):
        while True:
            closed = [e for e in _leg_events(gateway, routed) if e["type"] == "leg.closed"]
            if closed:
                [only] = closed
                return dict(only["payload"])
            await asyncio.sleep(0.1)


async def _fill(gateway: Gateway, key: str, leg_id: str, amount: str) -> int:
    answer = await gateway.client.post(
        f"/v1/legs/{leg_id}/fills",
        json=fill_body(quantity={"amount": amount, "unit": "t"}),
        headers=trader_headers(key, unique("idem")),
    )
    return answer.status_code


async def test_the_sweep_expires_a_leg_past_its_deadline_saying_what_it_took(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader, deadline=datetime.now(UTC) + timedelta(seconds=1.5))
    assert await _fill(gateway, key, routed.leg_id, "30") == 201

    closing = await _closing(gateway, routed)

    assert (closing["reason"], closing["filled"], closing["undone"]) == ("expired", "30", "70")
    assert closing["detail"] == "the deadline passed"
    assert await _fill(gateway, key, routed.leg_id, "1") in (409, 422)
    assert await gateway.outbox(routed.order_id) == ["fill.confirmed", "leg.closed"]
    read = await gateway.client.get(f"/v1/legs/{routed.leg_id}", headers=trader_headers(key))
    assert read.json()["status"] == "expired"


async def test_fills_racing_the_deadline_are_either_refused_or_counted_in_the_closing(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    deadline = datetime.now(UTC) + timedelta(seconds=2)
    legs = [await gateway.route_leg(trader, deadline=deadline) for _ in range(8)]
    rng = random.Random(12)
    accepted: dict[str, Decimal] = {leg.leg_id: Decimal(0) for leg in legs}

    async def fill_at(leg: LegRouted, delay: float, amount: int) -> None:
        await asyncio.sleep(max(0.0, delay))
        if await _fill(gateway, key, leg.leg_id, str(amount)) == 201:
            accepted[leg.leg_id] += amount

    wait = (deadline - datetime.now(UTC)).total_seconds()
    await asyncio.gather(
        *(
            fill_at(leg, wait + rng.uniform(-0.4, 0.4), rng.randint(1, 12))
            for leg in legs
            for _ in range(4)
        )
    )

    for leg in legs:
        closing = await _closing(gateway, leg)
        assert Decimal(closing["filled"]) == accepted[leg.leg_id]
        assert Decimal(closing["undone"]) == 100 - accepted[leg.leg_id]
        kinds = [e["type"] for e in _leg_events(gateway, leg)]
        assert kinds[-1] == "leg.closed"
        assert kinds.count("leg.closed") == 1


async def test_a_cancellation_racing_fills_closes_the_leg_after_those_that_won(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    legs = [await gateway.route_leg(trader) for _ in range(6)]
    accepted: dict[str, Decimal] = {leg.leg_id: Decimal(0) for leg in legs}

    async def fill(leg: LegRouted, amount: int) -> None:
        if await _fill(gateway, key, leg.leg_id, str(amount)) == 201:
            accepted[leg.leg_id] += amount

    await asyncio.gather(
        *(fill(leg, 5) for leg in legs for _ in range(3)),
        *(gateway.cancel_leg(leg) for leg in legs),
    )

    for leg in legs:
        closing = await _closing(gateway, leg)
        assert closing["reason"] == "cancelled"
        assert Decimal(closing["filled"]) == accepted[leg.leg_id]
        assert await _fill(gateway, key, leg.leg_id, "1") == 409
