"""Releases over the real stack: FIFO within holdings, never above them, never twice, never overdrawn."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

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
    [(demand_key, demand)] = await read_events(
        bootstrap,
        topics.DEMAND_INTAKE,
        lambda e: e["payload"].get("request_id") == f"replenish-{release_id}",
        expected=1,
    )
    assert demand_key == f"{maker}:replenish-{release_id}"
    assert demand["type"] == "demand.submitted"
    assert demand["payload"] == {
        "manufacturer_id": maker,
        "request_id": f"replenish-{release_id}",
        "mineral": "cobalt",
        "quantity": "8",
        "unit": "t",
        "deliver_by": deliver_by,
        "max_unit_price": None,
        "kind": "replenishment",
    }


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
    assert problem["type"] == "urn:vault:problem:insufficient-holdings"
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
