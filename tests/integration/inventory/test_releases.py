"""Releases over the real stack: FIFO within holdings, never above them, never twice, never overdrawn."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx

from shared import topics
from shared.service import Service
from tests.integration.inventory.helpers import (
    book,
    fill_recorded,
    read_events,
    register_warehouse,
    uid,
)


async def test_a_release_within_holdings_draws_oldest_lots_first_and_asks_for_replenishment(
    api: httpx.AsyncClient, bootstrap: str
) -> None:
    north, south, maker = uid("wh-n"), uid("wh-s"), uid("maker")
    await register_warehouse(api, north)
    await register_warehouse(api, south)
    newest = fill_recorded(manufacturer_id=maker, warehouse_id=north, quantity="10", hours=48)
    oldest = fill_recorded(manufacturer_id=maker, warehouse_id=south, quantity="5", hours=0)
    middle = fill_recorded(manufacturer_id=maker, warehouse_id=north, quantity="6", hours=24)
    await book(api, bootstrap, [newest, oldest, middle])
    release_id = uid("rel")

    released = await api.post(
        "/v1/releases",
        json={"manufacturer_id": maker, "mineral": "cobalt", "quantity": "8"},
        headers={"Idempotency-Key": release_id},
    )

    assert released.status_code == 201, released.text
    plan = released.json()
    assert plan["release_id"] == release_id
    assert [(d["lot_id"], d["quantity"]) for d in plan["draws"]] == [
        (f"lot:{oldest.payload.fill_id}", "5"),
        (f"lot:{middle.payload.fill_id}", "3"),
    ]
    deliver_by = (datetime.now(UTC).date() + timedelta(days=60)).isoformat()
    assert plan["replenishment"] == {
        "request_id": f"replenish-{release_id}",
        "deliver_by": deliver_by,
        "kind": "replenishment",
        # Every lot drawn cost 33000 USD/t: the limit is 25% above the dearest.
        "limit_price": "41250",
    }
    holdings = (await api.get("/v1/holdings", params={"owner": maker, "group_by": "owner"})).json()
    assert [h["quantity"] for h in holdings["holdings"]] == ["13"]

    # A retry with the same key answers with the same release and draws nothing more.
    retry = await api.post(
        "/v1/releases",
        json={"manufacturer_id": maker, "mineral": "cobalt", "quantity": "8"},
        headers={"Idempotency-Key": release_id},
    )
    assert retry.status_code == 200
    assert retry.json()["draws"] == plan["draws"]
    assert retry.json()["replayed"] is True
    reused = await api.post(
        "/v1/releases",
        json={"manufacturer_id": maker, "mineral": "cobalt", "quantity": "9"},
        headers={"Idempotency-Key": release_id},
    )
    assert reused.status_code == 422
    # The key is the manufacturer's own: another manufacturer's same key is another release.
    elsewhere = await api.post(
        "/v1/releases",
        json={"manufacturer_id": uid("maker"), "mineral": "cobalt", "quantity": "8"},
        headers={"Idempotency-Key": release_id},
    )
    assert elsewhere.status_code == 409
    stored = await api.get(released.headers["location"])
    assert stored.json()["draws"] == plan["draws"]

    [(key, performed)] = await read_events(
        bootstrap,
        topics.INVENTORY_RELEASES,
        lambda e: e["payload"].get("release_id") == release_id,
        expected=1,
    )
    assert key == release_id
    assert performed["type"] == "release.performed"
    assert performed["payload"]["lots"] == [d["lot_id"] for d in plan["draws"]]
    assert performed["payload"]["quantity"] == {"amount": "8", "unit": "t"}
    drawn = await read_events(
        bootstrap,
        topics.INVENTORY_HOLDINGS,
        lambda e: e["payload"].get("release_id") == release_id,
        expected=2,
    )
    assert sorted((u["payload"]["delta"], u["payload"]["balance"]) for _, u in drawn) == [
        ("-3", "3"),
        ("-5", "0"),
    ]
    assert {u["correlation_id"] for _, u in drawn} == {performed["correlation_id"]}
    # Its replenishment goes to inventory's own topic (only inventory writes it), never to
    # the manufacturers' intake.
    [(demand_key, demand)] = await read_events(
        bootstrap,
        topics.INVENTORY_REPLENISHMENTS,
        lambda e: e["payload"].get("release_id") == release_id,
        expected=1,
    )
    assert demand_key == release_id
    assert demand["type"] == "replenishment.requested"
    basis = demand["payload"].pop("price_basis")
    assert demand["payload"] == {
        "release_id": release_id,
        "request_id": f"replenish-{release_id}",
        "manufacturer_id": maker,
        "mineral": "cobalt",
        "quantity": {"amount": "8", "unit": "t"},
        "deliver_by": deliver_by,
        "limit_price": {"amount": "41250", "currency": "USD", "per": "t"},
    }
    assert basis.startswith("dearest lot drawn (lot:")
    assert "plus 25% headroom" in basis


async def test_a_release_above_holdings_is_refused_with_held_and_requested_and_emits_nothing(
    inventory: Service, api: httpx.AsyncClient, bootstrap: str
) -> None:
    site, maker, other = uid("wh"), uid("maker"), uid("maker")
    await register_warehouse(api, site)
    await book(
        api,
        bootstrap,
        [
            fill_recorded(manufacturer_id=maker, warehouse_id=site, quantity="7"),
            # Another manufacturer's material is not this one's to draw.
            fill_recorded(manufacturer_id=other, warehouse_id=site, quantity="50"),
        ],
    )
    release_id = uid("rel")

    refused = await api.post(
        "/v1/releases",
        json={
            "manufacturer_id": maker,
            "mineral": "cobalt",
            "quantity": "7.5",
            "release_id": release_id,
        },
    )

    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert (problem["held"], problem["requested"], problem["unit"]) == ("7", "7.5", "t")
    assert problem["type"] == "urn:vault:problem:insufficient_holdings"
    assert problem["code"] == "insufficient_holdings"
    assert maker in problem["detail"]
    written = await inventory.pool.fetchval(
        "SELECT count(*) FROM outbox WHERE position($1::bytea in value) > 0", release_id.encode()
    )
    assert written == 0
    assert (
        await read_events(
            bootstrap,
            topics.INVENTORY_RELEASES,
            lambda e: e["payload"].get("release_id") == release_id,
            expected=1,
            timeout_s=1.0,
        )
        == []
    )
    holdings = (await api.get("/v1/holdings", params={"owner": maker, "group_by": "owner"})).json()
    assert [h["quantity"] for h in holdings["holdings"]] == ["7"]


async def test_concurrent_releases_never_draw_more_than_is_held(
    api: httpx.AsyncClient, bootstrap: str
) -> None:
    site, maker = uid("wh"), uid("maker")
    await register_warehouse(api, site)
    await book(
        api,
        bootstrap,
        [
            fill_recorded(manufacturer_id=maker, warehouse_id=site, quantity="6", hours=0),
            fill_recorded(manufacturer_id=maker, warehouse_id=site, quantity="4", hours=1),
        ],
    )

    answers = await asyncio.gather(
        *(
            api.post(
                "/v1/releases",
                json={"manufacturer_id": maker, "mineral": "cobalt", "quantity": "3"},
            )
            for _ in range(8)
        )
    )

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] * 3 + [409] * 5
    holdings = (await api.get("/v1/holdings", params={"owner": maker, "group_by": "owner"})).json()
    assert [h["quantity"] for h in holdings["holdings"]] == ["1"]
    assert (await api.get("/v1/check")).json()["agrees"] is True


async def test_bad_release_input_is_a_problem_not_a_server_error(api: httpx.AsyncClient) -> None:
    cases = [
        ({"manufacturer_id": "m", "mineral": "cobalt", "quantity": "-1"}, 422),
        ({"manufacturer_id": "m", "mineral": "cobalt", "quantity": "abc"}, 422),
        ({"manufacturer_id": "m", "mineral": "unobtainium", "quantity": "1"}, 422),
        ({"manufacturer_id": "m", "mineral": "cobalt", "quantity": "1", "unit": "kg"}, 422),
        ({"manufacturer_id": "m", "mineral": "cobalt", "quantity": "1", "extra": 1}, 422),
        ({"manufacturer_id": "m", "mineral": "cobalt"}, 422),
    ]
    for body, status in cases:
        answer = await api.post("/v1/releases", json=body)
        assert answer.status_code == status, (body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    malformed = await api.post(
        "/v1/releases", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400
    bad_key = await api.post(
        "/v1/releases",
        json={"manufacturer_id": "m", "mineral": "cobalt", "quantity": "1"},
        headers={"Idempotency-Key": "no spaces allowed"},
    )
    assert bad_key.status_code == 400


async def test_lots_keep_what_they_cost_and_a_release_of_lots_without_a_price_sets_no_limit(
    inventory: Service, api: httpx.AsyncClient, bootstrap: str
) -> None:
    site, maker = uid("wh"), uid("maker")
    await register_warehouse(api, site)
    fill = fill_recorded(manufacturer_id=maker, warehouse_id=site, quantity="4")
    await book(api, bootstrap, [fill])
    lot = await inventory.pool.fetchrow(
        "SELECT unit_price, leg_id FROM lots WHERE fill_id = $1", fill.payload.fill_id
    )
    assert lot is not None
    assert (lot["unit_price"], lot["leg_id"]) == (Decimal(33000), fill.payload.leg_id)
    # As a lot booked before prices were kept.
    await inventory.pool.execute(
        "UPDATE lots SET unit_price = NULL WHERE fill_id = $1", fill.payload.fill_id
    )

    released = await api.post(
        "/v1/releases", json={"manufacturer_id": maker, "mineral": "cobalt", "quantity": "2"}
    )

    assert released.status_code == 201, released.text
    assert released.json()["replenishment"]["limit_price"] is None
    [(_, demand)] = await read_events(
        bootstrap,
        topics.INVENTORY_REPLENISHMENTS,
        lambda e: e["payload"].get("manufacturer_id") == maker,
        expected=1,
    )
    assert demand["payload"]["limit_price"] is None
    assert "no lot drawn recorded its price" in demand["payload"]["price_basis"]
