"""Offers: published, updated and withdrawn as events, only in the trader's own markets."""

from __future__ import annotations

from decimal import Decimal

from shared import topics
from tests.integration.trader_gateway.harness import Gateway, offer_body, trader_headers, unique


async def test_an_offer_is_published_updated_and_withdrawn_each_as_an_event(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader(markets=("cobalt",))
    body = offer_body()
    published = await gateway.client.post(
        "/v1/offers", json=body, headers=trader_headers(key, unique("idem"))
    )
    assert published.status_code == 201, published.text
    offer = published.json()
    offer_id = offer["offer_id"]
    assert published.headers["location"] == f"/v1/offers/{offer_id}"
    assert (offer["market"], offer["status"]) == ("cobalt", "active")

    terms = {
        k: body[k]
        for k in ("quantity", "unit_price", "warehouse_id", "available_on", "valid_until")
    }
    terms["unit_price"] = {"amount": "30999", "per": "t"}
    updated = await gateway.client.put(
        f"/v1/offers/{offer_id}", json=terms, headers=trader_headers(key, unique("idem"))
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["unit_price"]["amount"] == "30999"

    withdrawn = await gateway.client.delete(
        f"/v1/offers/{offer_id}", headers=trader_headers(key, unique("idem"))
    )
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")

    events = await gateway.recorder.wait_for(topics.TRADER_OFFERS, offer_id, 3)
    assert [e["type"] for e in events] == ["offer.published", "offer.published", "offer.withdrawn"]
    assert Decimal(events[0]["payload"]["unit_price"]["amount"]) == Decimal("31800.50")
    assert Decimal(events[1]["payload"]["unit_price"]["amount"]) == Decimal("30999")
    assert events[0]["payload"]["trader_id"] == trader
    assert events[2]["payload"] == {"offer_id": offer_id, "trader_id": trader, "mineral": "cobalt"}

    again = await gateway.client.delete(
        f"/v1/offers/{offer_id}", headers=trader_headers(key, unique("idem"))
    )
    assert (again.status_code, again.json()["code"]) == (409, "offer_not_active")
    listed = await gateway.client.get("/v1/offers?status=all", headers=trader_headers(key))
    assert [o["offer_id"] for o in listed.json()["items"]] == [offer_id]


async def test_an_offer_for_a_market_the_trader_is_not_registered_for_is_refused(
    gateway: Gateway,
) -> None:
    _, key = await gateway.register_trader(markets=("cobalt",))
    lithium = offer_body(mineral="lithium")
    refused = await gateway.client.post(
        "/v1/offers", json=lithium, headers=trader_headers(key, unique("idem"))
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "market_not_registered")
    unknown = await gateway.client.post(
        "/v1/offers",
        json=offer_body(mineral="kryptonite"),
        headers=trader_headers(key, unique("i")),
    )
    assert (unknown.status_code, unknown.json()["field"]) == (422, "mineral")
    in_kg = offer_body(quantity={"amount": "250", "unit": "kg"})
    wrong_unit = await gateway.client.post(
        "/v1/offers", json=in_kg, headers=trader_headers(key, unique("idem"))
    )
    assert (wrong_unit.status_code, wrong_unit.json()["code"]) == (422, "unit_mismatch")
    listed = await gateway.client.get("/v1/offers?status=all", headers=trader_headers(key))
    assert listed.json()["items"] == []


async def test_another_traders_offer_answers_as_if_it_did_not_exist(gateway: Gateway) -> None:
    _, owner_key = await gateway.register_trader(markets=("cobalt",))
    _, other_key = await gateway.register_trader(markets=("cobalt",))
    made = await gateway.client.post(
        "/v1/offers", json=offer_body(), headers=trader_headers(owner_key, unique("idem"))
    )
    offer_id = made.json()["offer_id"]
    for answer in (
        await gateway.client.get(f"/v1/offers/{offer_id}", headers=trader_headers(other_key)),
        await gateway.client.delete(
            f"/v1/offers/{offer_id}", headers=trader_headers(other_key, unique("idem"))
        ),
        await gateway.client.get(f"/v1/offers/{offer_id}-nope", headers=trader_headers(other_key)),
    ):
        assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
    assert await gateway.outbox(offer_id) == ["offer.published"]
