"""Fills from sourcing become receipts: once each, whatever is redelivered; unknown sites are held."""

from __future__ import annotations

import httpx
from prometheus_client import REGISTRY

from shared import topics
from shared.contracts import OrderStatusChanged
from shared.envelope import new_event
from shared.service import Service
from tests.integration.inventory.helpers import (
    fill_recorded,
    read_events,
    receipts,
    register_warehouse,
    send,
    uid,
)
from tests.support.waiting import eventually


def _ignored() -> float:
    """Events of a type inventory does not handle that its consumer skipped, so far."""
    counted = REGISTRY.get_sample_value(
        "vault_messages_in_total",
        {"service": "inventory", "topic": topics.SOURCING_ORDERS, "outcome": "ignored"},
    )
    return counted or 0.0


async def test_a_fill_is_booked_once_however_often_it_is_delivered(
    inventory: Service, api: httpx.AsyncClient, bootstrap: str
) -> None:
    warehouse, maker = uid("wh"), uid("maker")
    assert (await register_warehouse(api, warehouse)).status_code == 201
    fill = fill_recorded(manufacturer_id=maker, warehouse_id=warehouse, quantity="12.5")
    # The same fill again in a new envelope (a new event id), as a replaying producer would.
    resent = fill_recorded(
        manufacturer_id=maker,
        warehouse_id=warehouse,
        quantity="12.5",
        fill_id=fill.payload.fill_id,
        order_id=fill.payload.order_id,
    )
    # An event of another type behind them on the same key (so the same partition):
    # once it is through, so are the three before it. It is known on the topic and not
    # inventory's business: the consumer skips and counts it, and records nothing.
    closed = new_event(
        OrderStatusChanged.model_validate(
            {
                "order_id": fill.payload.order_id,
                "manufacturer_id": maker,
                "status": "filled",
                "mineral": "cobalt",
                "quantity": {"amount": "12.5", "unit": "t"},
                "filled": "12.5",
                "open": "0",
                "reason": "filled in full",
            }
        ),
        key=fill.payload.order_id,
        producer="sourcing",
    )
    ignored_before = _ignored()
    await send(bootstrap, [fill, fill, resent, closed])

    async def all_seen() -> bool:
        seen = await inventory.pool.fetchval(
            "SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])",
            [fill.event_id, resent.event_id],
        )
        return bool(seen == 2) and _ignored() > ignored_before

    await eventually(all_seen)
    assert not await inventory.pool.fetchval(
        "SELECT count(*) FROM inbox WHERE event_id = $1", closed.event_id
    )

    booked = await receipts(api, fill.payload.order_id)
    assert [r["fill_id"] for r in booked["receipts"]] == [fill.payload.fill_id]
    assert booked["received"] == "12.5"
    holdings = (await api.get("/v1/holdings", params={"owner": maker})).json()["holdings"]
    assert [(h["warehouse_id"], h["quantity"]) for h in holdings] == [(warehouse, "12.5")]
    updates = await read_events(
        bootstrap,
        topics.INVENTORY_HOLDINGS,
        lambda e: e["payload"].get("fill_id") == fill.payload.fill_id,
        expected=1,
    )
    assert len(updates) == 1
    key, update = updates[0]
    assert key == fill.payload.order_id
    assert update["correlation_id"] == fill.correlation_id
    assert update["payload"]["lot_id"] == f"lot:{fill.payload.fill_id}"
    assert (update["payload"]["delta"], update["payload"]["balance"]) == ("12.5", "12.5")


async def test_a_fill_for_an_unknown_warehouse_is_held_with_a_reason_then_booked_on_registration(
    api: httpx.AsyncClient, bootstrap: str
) -> None:
    warehouse, maker = uid("wh-new"), uid("maker")
    fill = fill_recorded(manufacturer_id=maker, warehouse_id=warehouse, quantity="4")
    await send(bootstrap, [fill])

    async def held() -> bool:
        listed = (await api.get("/v1/held-fills", params={"warehouse": warehouse})).json()
        return len(listed["held_fills"]) == 1

    await eventually(held)
    listed = (await api.get("/v1/held-fills", params={"warehouse": warehouse})).json()
    assert "not a known warehouse" in listed["held_fills"][0]["reason"]
    assert (await receipts(api, fill.payload.order_id))["receipts"] == []

    registered = await register_warehouse(api, warehouse, kind="leased")
    assert registered.status_code == 201, registered.text
    assert registered.json()["booked_fills"] == [fill.payload.fill_id]

    booked = await receipts(api, fill.payload.order_id)
    assert [(r["fill_id"], r["warehouse_id"]) for r in booked["receipts"]] == [
        (fill.payload.fill_id, warehouse)
    ]
    assert booked["held"] == []
    assert (await api.get("/v1/held-fills", params={"warehouse": warehouse})).json() == {
        "held_fills": []
    }
    # Registering again with the same details is a no-op; with other details, a conflict.
    assert (await register_warehouse(api, warehouse, kind="leased")).status_code == 200
    conflict = await register_warehouse(api, warehouse, kind="owned")
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "application/problem+json"
    # The order's story carries on under the fill's correlation id.
    [(_, update)] = await read_events(
        bootstrap,
        topics.INVENTORY_HOLDINGS,
        lambda e: e["payload"].get("fill_id") == fill.payload.fill_id,
        expected=1,
    )
    assert update["correlation_id"] == fill.correlation_id
    assert update["causation_id"] == str(fill.event_id)


async def test_a_lot_reads_back_its_chain_of_custody_through_a_split_transfer(
    api: httpx.AsyncClient, bootstrap: str
) -> None:
    partner, depot, maker = uid("wh-partner"), uid("wh-depot"), uid("maker")
    await register_warehouse(api, partner)
    await register_warehouse(api, depot, kind="owned")
    fill = fill_recorded(
        manufacturer_id=maker,
        warehouse_id=partner,
        quantity="9",
        origin_country="CA",
        tier="allied",
    )
    await send(bootstrap, [fill])

    async def booked() -> bool:
        return bool((await receipts(api, fill.payload.order_id))["receipts"])

    await eventually(booked)
    lot_id = f"lot:{fill.payload.fill_id}"
    moved = await api.post(
        "/v1/transfers",
        json={"lot_id": lot_id, "to_warehouse_id": depot, "quantity": "4", "transfer_id": uid("t")},
    )
    assert moved.status_code == 201, moved.text
    child_id = moved.json()["lot_id"]
    assert moved.json()["split"] is True

    child = (await api.get(f"/v1/lots/{child_id}")).json()
    assert child["lot"]["split_from"] == lot_id
    assert child["split_from_chain"] == [lot_id]
    assert (child["lot"]["owner"], child["lot"]["warehouse_id"]) == (maker, depot)
    assert (child["lot"]["origin_country"], child["lot"]["tier"]) == ("CA", "allied")
    assert (child["lot"]["fill_id"], child["lot"]["trader_id"]) == (
        fill.payload.fill_id,
        "trader-a",
    )
    assert (child["lot"]["phase"], child["lot"]["policy_version"]) == (
        "initial_fill",
        "policy-2026-01",
    )
    assert child["custodian"]["kind"] == "owned"
    parent = (await api.get(f"/v1/lots/{lot_id}")).json()
    assert parent["split_into"] == [child_id]
    assert [(m["kind"], m["quantity"]) for m in parent["movements"]] == [
        ("receipt", "9"),
        ("transfer", "-4"),
    ]
    by_site = (
        await api.get("/v1/holdings", params={"owner": maker, "group_by": "warehouse"})
    ).json()
    assert {h["warehouse_id"]: h["quantity"] for h in by_site["holdings"]} == {
        partner: "5",
        depot: "4",
    }
    assert (await api.get("/v1/lots/lot:no-such-lot")).status_code == 404
