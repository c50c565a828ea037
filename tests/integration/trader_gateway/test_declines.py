"""Declining a leg or its remainder: leg.closed (declined) goes to sourcing, which cascades it."""

from __future__ import annotations

from shared import topics
from tests.integration.trader_gateway.harness import Gateway, fill_body, trader_headers, unique


async def test_declining_the_rest_of_a_partly_filled_leg_closes_it_saying_what_is_undone(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader, quantity="100")
    filled = await gateway.client.post(
        f"/v1/legs/{routed.leg_id}/fills",
        json=fill_body(quantity={"amount": "30", "unit": "t"}),
        headers=trader_headers(key, unique("idem")),
    )
    assert filled.status_code == 201

    declined = await gateway.client.post(
        f"/v1/legs/{routed.leg_id}/decline",
        json={
            "reason": "mine flooded; no more material this quarter",
            "quantity": {"amount": "70", "unit": "t"},
        },
        headers=trader_headers(key, unique("idem")),
    )

    assert declined.status_code == 200, declined.text
    assert declined.json()["declined"] == {"amount": "70", "unit": "t"}
    assert declined.json()["leg"]["status"] == "declined"
    # One stream for the leg's facts, in the order they were decided: the fill, then the closing.
    fill, event = await gateway.recorder.wait_for(topics.TRADER_LEGS, routed.order_id, 2)
    assert (fill["type"], event["type"]) == ("fill.confirmed", "leg.closed")
    assert (fill["payload"]["leg_filled"], fill["payload"]["leg_remaining"]) == ("30", "70")
    payload = event["payload"]
    assert (payload["reason"], payload["filled"], payload["undone"]) == ("declined", "30", "70")
    assert payload["quantity"] == {"amount": "100", "unit": "t"}
    assert payload["detail"] == "mine flooded; no more material this quarter"
    assert payload["trader_id"] == trader

    after = await gateway.client.post(
        f"/v1/legs/{routed.leg_id}/fills",
        json=fill_body(quantity={"amount": "1", "unit": "t"}),
        headers=trader_headers(key, unique("idem")),
    )
    assert (after.status_code, after.json()["code"]) == (409, "leg_not_open")
    assert await gateway.outbox(routed.order_id) == ["fill.confirmed", "leg.closed"]


async def test_a_decline_naming_a_stale_remainder_or_no_reason_is_refused(gateway: Gateway) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader, quantity="100")
    url = f"/v1/legs/{routed.leg_id}/decline"
    stale = await gateway.client.post(
        url,
        json={"reason": "no stock", "quantity": {"amount": "60", "unit": "t"}},
        headers=trader_headers(key, unique("idem")),
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "decline_quantity_mismatch")
    assert stale.json()["remaining"] == "100"
    blank = await gateway.client.post(
        url, json={"reason": "   "}, headers=trader_headers(key, unique("idem"))
    )
    assert (blank.status_code, blank.json()["code"]) == (422, "invalid_reason")
    assert await gateway.outbox(routed.order_id) == []
