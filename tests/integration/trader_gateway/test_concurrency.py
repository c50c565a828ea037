"""Concurrent fills on one leg queue on its row lock: the leg is never over-filled."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from shared import topics
from tests.integration.trader_gateway.harness import Gateway, fill_body, trader_headers, unique


async def test_twenty_fills_at_once_on_one_leg_never_exceed_it(gateway: Gateway) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader, quantity="100")
    url = f"/v1/legs/{routed.leg_id}/fills"
    # 20 x 7 t against 100 t: exactly 14 fit (98 t), the other 6 must be refused.
    body = fill_body(quantity={"amount": "7", "unit": "t"})

    answers = await asyncio.gather(
        *(
            gateway.client.post(url, json=body, headers=trader_headers(key, unique("idem")))
            for _ in range(20)
        )
    )

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] * 14 + [422] * 6
    assert {a.json()["code"] for a in answers if a.status_code == 422} == {"over_fill"}
    read = await gateway.client.get(f"/v1/legs/{routed.leg_id}", headers=trader_headers(key))
    assert Decimal(read.json()["filled"]["amount"]) == Decimal("98")
    booked = await gateway.pool.fetchval(
        "SELECT sum(quantity) FROM fills WHERE leg_id = $1", routed.leg_id
    )
    assert booked == Decimal("98")
    events = await gateway.recorder.wait_for(topics.TRADER_LEGS, routed.order_id, 14)
    assert len(events) == 14
    assert sum(Decimal(e["payload"]["quantity"]["amount"]) for e in events) == Decimal("98")
