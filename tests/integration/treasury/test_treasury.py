"""Treasury on the real broker and database: money facts set through its API, the legs,
fills, closings, decisions and lots it learns from their owners' events, and its reports."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from shared import topics
from shared.contracts import (
    Event,
    FillConfirmed,
    FillRecorded,
    HoldingsUpdated,
    LegClosed,
    LegRouted,
    OrderStatusChanged,
    ReferencePriceReported,
)
from shared.envelope import new_event
from shared.outbox import record_of
from shared.publisher import Publisher
from shared.service import Service
from tests.integration.inventory.helpers import read_events
from tests.integration.treasury.conftest import Keys
from tests.support.waiting import eventually
from vault.infra.launcher import Endpoints

D = Decimal
NOW = datetime.now(UTC)
YEAR = NOW.year


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def publish(bootstrap: str, *payloads: Event) -> None:
    publisher = Publisher(bootstrap, client_id="treasury-test")
    try:
        await publisher.publish([record_of(new_event(p, producer="test")) for p in payloads])
    finally:
        await publisher.close()


def leg(order_id: str, leg_id: str, quantity: str, limit: str, tier: str) -> LegRouted:
    return LegRouted.model_validate(
        {
            "leg_id": leg_id,
            "order_id": order_id,
            "trader_id": f"trader-{tier}",
            "manufacturer_id": "acme",
            "mineral": "cobalt",
            "market": "cobalt",
            "quantity": {"amount": quantity, "unit": "t"},
            "limit_price": {"amount": limit, "per": "t"},
            "deadline": NOW + timedelta(days=1),
            "kind": "offer",
            "offer_id": uid("offer"),
            "tier": tier,
            "origin_country": "US" if tier == "domestic" else "AU",
            "warehouse_id": "wh-1",
            "phase": "replenishment",
            "policy_version": "test",
        }
    )


def fill(
    order_id: str, leg_id: str, fill_id: str, quantity: str, price: str, trader: str
) -> FillConfirmed:
    return FillConfirmed.model_validate(
        {
            "fill_id": fill_id,
            "leg_id": leg_id,
            "order_id": order_id,
            "trader_id": trader,
            "manufacturer_id": "acme",
            "mineral": "cobalt",
            "quantity": {"amount": quantity, "unit": "t"},
            "unit_price": {"amount": price, "per": "t"},
            "origin_country": "US",
            "warehouse_id": "wh-1",
            "lot_reference": "WR-1",
            "filled_at": NOW,
            "leg_filled": quantity,
            "leg_remaining": "0",
        }
    )


def recorded(confirmed: FillConfirmed, tier: str) -> FillRecorded:
    return FillRecorded.model_validate(
        {
            **confirmed.model_dump(exclude={"leg_filled", "leg_remaining"}),
            "tier": tier,
            "phase": "replenishment",
            "policy_version": "test",
        }
    )


def holding(
    lot_id: str, warehouse: str, fill_id: str | None, balance: str, kind: str
) -> HoldingsUpdated:
    return HoldingsUpdated.model_validate(
        {
            "movement_id": uid("mv"),
            "kind": kind,
            "mineral": "cobalt",
            "warehouse_id": warehouse,
            "lot_id": lot_id,
            "owner": "acme",
            "origin_country": "US",
            "tier": "domestic",
            "delta": balance,
            "unit": "t",
            "balance": balance,
            "order_id": "o",
            "fill_id": fill_id,
        }
    )


async def body(api: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    answer = await api.get(path, headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_every_route_requires_its_caller(api: httpx.AsyncClient, api_keys: Keys) -> None:
    price = {
        "mineral": "cobalt",
        "effective_on": "2026-01-01",
        "price": "1",
        "unit": "t",
        "source": "x",
    }
    assert (await api.post("/v1/reference-prices", json=price)).status_code == 401
    as_ops = await api.post("/v1/reference-prices", json=price, headers=api_keys.ops)
    assert as_ops.status_code == 403
    for path in ("/v1/spend", "/v1/premiums", "/v1/valuation", "/v1/exports/spend"):
        assert (await api.get(path)).status_code == 401
        assert (await api.get(path, headers=api_keys.manufacturer)).status_code == 403
    wrong_unit = await api.post(
        "/v1/reference-prices", json={**price, "unit": "kg"}, headers=api_keys.admin
    )
    assert wrong_unit.json()["code"] == "wrong_unit"


async def test_spend_premiums_and_valuation_follow_the_owners_events(
    infra: Endpoints, treasury: Service, api: httpx.AsyncClient, api_keys: Keys
) -> None:
    admin, ops = api_keys.admin, api_keys.ops
    set_price = await api.post(
        "/v1/reference-prices",
        json={
            "mineral": "cobalt",
            "effective_on": (NOW - timedelta(days=30)).date().isoformat(),
            "price": "33000",
            "unit": "t",
            "source": "LME cobalt metal, monthly average",
        },
        headers=admin,
    )
    assert set_price.status_code == 201, set_price.text
    for path, payload in (
        (f"/v1/ceilings/cobalt/{YEAR}", {"ceiling_usd": "2000000"}),
        (
            "/v1/funding-sources/eca-t1",
            {
                "name": "Export-credit loan, tranche 1",
                "kind": "loan_tranche",
                "ceiling_usd": "2500000",
                "available_from": "2026-01-01",
            },
        ),
        (
            "/v1/funding-sources/private",
            {
                "name": "Private capital",
                "kind": "private_capital",
                "ceiling_usd": "500000",
                "available_from": "2026-01-01",
            },
        ),
    ):
        answer = await api.put(path, json=payload, headers=admin)
        assert answer.status_code == 200, answer.text

    order = uid("order")
    domestic, allied, still_open = uid("leg"), uid("leg"), uid("leg")
    f_domestic = fill(order, domestic, uid("fill"), "20", "36000", "trader-domestic")
    f_allied = fill(order, allied, uid("fill"), "4", "30000", "trader-allied")
    decision = OrderStatusChanged.model_validate(
        {
            "order_id": order,
            "manufacturer_id": "acme",
            "status": "routed",
            "mineral": "cobalt",
            "quantity": {"amount": "35", "unit": "t"},
            "filled": "0",
            "open": "0",
            "reason": "",
            "explanation": {
                "best_allied_price": "30000",
                "legs": [{"leg_id": domestic}, {"leg_id": allied}, {"leg_id": still_open}],
            },
        }
    )
    closed = LegClosed.model_validate(
        {
            "leg_id": allied,
            "order_id": order,
            "trader_id": "trader-allied",
            "mineral": "cobalt",
            "reason": "declined",
            "quantity": {"amount": "10", "unit": "t"},
            "filled": "4",
            "undone": "6",
            "closed_at": NOW,
        }
    )
    lot_domestic, lot_allied = uid("lot"), uid("lot")
    await publish(
        infra.bootstrap_servers,
        # A fill may arrive before its leg: every fact is learnt on its own.
        f_domestic,
        leg(order, domestic, "20", "36000", "domestic"),
        leg(order, allied, "10", "30000", "allied"),
        leg(order, still_open, "5", "34000", "allied"),
        decision,
        f_allied,
        closed,
        recorded(f_domestic, "domestic"),
        recorded(f_allied, "allied"),
        holding(lot_domestic, "wh-1", f_domestic.fill_id, "20", "receipt"),
        holding(lot_allied, "wh-2", f_allied.fill_id, "4", "receipt"),
        holding(lot_domestic, "wh-1", None, "15", "release"),
    )

    async def learnt() -> bool:
        spend = await body(api, "/v1/spend", ops, year=YEAR)
        valuation = await body(api, "/v1/valuation", ops)
        return (
            spend["funding"]["spent_usd"] == "840000"
            and spend["funding"]["committed_usd"] == "170000"
            and len(valuation["items"]) == 2
            and valuation["items"][0]["quantity"] == "15"
        )

    await eventually(learnt, 30, what="treasury to learn the legs, fills and lots")

    spend = await body(api, "/v1/spend", ops, year=YEAR)
    [cobalt] = spend["items"]
    assert cobalt == {
        "mineral": "cobalt",
        "year": YEAR,
        "spent_usd": "840000",
        "committed_usd": "170000",
        "unpriced_open": "0",
        "ceiling_usd": "2000000",
        "headroom_usd": "990000",
        "exceeded": False,
    }
    assert spend["funding"]["ceiling_usd"] == "3000000"
    assert spend["funding"]["headroom_usd"] == "1990000"

    by_tier = await body(api, "/v1/premiums", ops, group_by="tier")
    assert [
        (g["group"], g["premium_over_allied_usd"], g["premium_over_reference_usd"])
        for g in by_tier["items"]
    ] == [
        ("allied", "0", "-12000"),
        ("domestic", "120000", "60000"),
    ]
    assert by_tier["totals"]["premium_over_allied_usd"] == "120000"
    fills = await body(api, "/v1/premiums/fills", ops)
    domestic_fill = next(f for f in fills["items"] if f["fill_id"] == f_domestic.fill_id)
    assert (domestic_fill["reference_price"], domestic_fill["deviation"]) == ("33000", "0.090909")

    valuation = await body(api, "/v1/valuation", ops)
    assert [
        (v["warehouse_id"], v["quantity"], v["at_cost_usd"], v["at_reference_usd"])
        for v in valuation["items"]
    ] == [("wh-1", "15", "540000", "495000"), ("wh-2", "4", "120000", "132000")]

    csv = await api.get(
        "/v1/exports/premiums", params={"format": "csv", "group_by": "trader"}, headers=ops
    )
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("group,fills,spent_usd,premium_over_allied_usd")
    assert len(lines) == 3


async def test_a_feeds_price_is_held_with_its_source_and_told_to_the_price_checkers(
    infra: Endpoints, treasury: Service, api: httpx.AsyncClient, api_keys: Keys
) -> None:
    source = uid("fastmarkets")
    await publish(
        infra.bootstrap_servers,
        ReferencePriceReported.model_validate(
            {
                "mineral": "lithium",
                "effective_on": NOW.date().isoformat(),
                "price": {"amount": "11000", "per": "t"},
                "source": source,
                "reported_at": NOW,
            }
        ),
    )

    async def held() -> bool:
        answer = await api.get("/v1/reference-prices/lithium", headers=api_keys.ops)
        return answer.status_code == 200 and answer.json()["source"] == source

    await eventually(held, 30, what="the feed's lithium price")
    told = await read_events(
        infra.bootstrap_servers,
        topics.TREASURY_PRICES,
        lambda e: e["type"] == "treasury.reference_price_set" and e["payload"]["source"] == source,
        1,
    )
    assert [e["payload"]["price"]["amount"] for _, e in told] == ["11000"]
