"""A batch of fills: each item gets its own result; the accepted ones are booked together."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shared import topics
from tests.integration.trader_gateway.harness import Gateway, fill_body, trader_headers, unique


def _item(leg_id: str, **changes: Any) -> dict[str, Any]:
    return {"leg_id": leg_id, **fill_body(**changes)}


async def test_a_batch_with_good_and_bad_fills_books_the_good_and_explains_the_bad(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    other, _ = await gateway.register_trader()
    first = await gateway.route_leg(trader, quantity="100")
    second = await gateway.route_leg(trader, quantity="10")
    not_mine = await gateway.route_leg(other)
    body: dict[str, Any] = {
        "fills": [
            _item(first.leg_id, quantity={"amount": "60", "unit": "t"}),
            # Sees the first item: 40 left, so 50 is an over-fill.
            _item(first.leg_id, quantity={"amount": "50", "unit": "t"}),
            _item(first.leg_id, quantity={"amount": "40", "unit": "t"}),
            _item(second.leg_id, quantity={"amount": "5", "unit": "t"}, mineral="nickel"),
            _item(second.leg_id, quantity={"amount": "10", "unit": "t"}),
            _item(not_mine.leg_id),
        ]
    }

    answer = await gateway.client.post(
        "/v1/fills/batch", json=body, headers=trader_headers(key, unique("idem"))
    )

    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert (result["accepted"], result["refused"]) == (3, 3)
    outcomes = [
        (r["index"], r["status"], (r["problem"] or {}).get("code")) for r in result["results"]
    ]
    assert outcomes == [
        (0, 201, None),
        (1, 422, "over_fill"),
        (2, 201, None),
        (3, 422, "mineral_mismatch"),
        (4, 201, None),
        (5, 404, "not_found"),
    ]
    assert result["results"][2]["fill"]["leg"]["status"] == "filled"
    first_events = await gateway.recorder.wait_for(topics.TRADER_LEGS, first.order_id, 2)
    assert [Decimal(e["payload"]["quantity"]["amount"]) for e in first_events] == [60, 40]
    await gateway.recorder.wait_for(topics.TRADER_LEGS, second.order_id, 1)
    assert await gateway.outbox(not_mine.order_id) == []


async def test_a_batch_over_the_size_limit_or_empty_is_refused_whole(gateway: Gateway) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader)
    too_many = {"fills": [_item(routed.leg_id, quantity={"amount": "0.1", "unit": "t"})] * 101}
    empty: dict[str, Any] = {"fills": []}
    for body in (too_many, empty):
        answer = await gateway.client.post(
            "/v1/fills/batch", json=body, headers=trader_headers(key, unique("idem"))
        )
        assert (answer.status_code, answer.json()["code"]) == (422, "validation")
    assert await gateway.outbox(routed.order_id) == []
