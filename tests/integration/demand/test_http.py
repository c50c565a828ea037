"""Demand over HTTP: the same use case as the intake, answered in the response."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

import httpx

from services.demand.domain import DemandKey, order_id_for
from shared import topics
from shared.envelope import RawEnvelope
from shared.service import Service
from tests.integration.demand.intake import DELIVER_BY, LEAVE_OUT, demand_fields
from tests.integration.demand.tap import Tap

PROBLEM = "application/problem+json"


def of(manufacturer: str) -> Callable[[RawEnvelope], bool]:
    return lambda event: event.payload.get("manufacturer_id") == manufacturer


async def test_a_demand_over_http_is_accepted_procured_and_read_back(
    demand: Service, tap: Tap, client: httpx.AsyncClient, manufacturer: str
) -> None:
    response = await client.post("/v1/demands", json=demand_fields(manufacturer, "H-1"))

    order_id = order_id_for(DemandKey(manufacturer, "H-1"))
    assert response.status_code == 202
    assert response.json() == {
        "status": "accepted",
        "order_id": order_id,
        "manufacturer_id": manufacturer,
        "request_id": "H-1",
    }
    assert response.headers["location"] == f"/v1/demands/{manufacturer}/H-1"
    [requested] = await tap.wait_for(topics.PROCUREMENT_REQUESTED, of(manufacturer))
    assert requested.key == order_id
    assert requested.correlation_id == response.headers["x-correlation-id"]
    assert (requested.payload["market"], requested.payload["quantity"]) == (
        "cobalt",
        {"amount": "120.5", "unit": "t"},
    )

    again = await client.post("/v1/demands", json=demand_fields(manufacturer, "H-1"))
    assert (again.status_code, again.json()["status"]) == (202, "duplicate")
    assert again.json()["order_id"] == order_id

    stored = (await client.get(response.headers["location"])).json()
    assert stored["status"] == "accepted"
    assert stored["order_id"] == order_id
    assert stored["channel"] == "http"
    assert stored["attempts"] == 2
    assert stored["demand"] == {
        "mineral": "cobalt",
        "market": "cobalt",
        "quantity": "120.5",
        "unit": "t",
        "deliver_by": DELIVER_BY,
        "max_unit_price": "33500",
    }


async def test_a_rejected_demand_is_a_problem_listing_every_reason_and_is_published(
    demand: Service, tap: Tap, client: httpx.AsyncClient, manufacturer: str
) -> None:
    bad = demand_fields(
        manufacturer, "H-2", mineral="cobalt", unit="kg", quantity="-3", deliver_by="soon"
    )
    response = await client.post("/v1/demands", json=bad)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "urn:vault:problem:demand_rejected"
    assert (problem["title"], problem["status"]) == ("Demand rejected", 422)
    assert problem["instance"] == f"/v1/demands/{manufacturer}/H-2"
    assert [(r["field"], r["code"]) for r in problem["reasons"]] == [
        ("unit", "wrong_unit"),
        ("quantity", "quantity_not_positive"),
        ("deliver_by", "deliver_by_not_a_date"),
    ]
    assert "cobalt is ordered in t (tonnes)" in problem["detail"]
    [published] = await tap.wait_for(topics.DEMAND_OUTCOMES, of(manufacturer))
    assert published.type == "demand.rejected"
    assert published.payload["reasons"] == problem["reasons"]

    stored = (await client.get(problem["instance"])).json()
    assert (stored["status"], stored["order_id"]) == ("rejected", None)
    assert stored["reasons"] == problem["reasons"]


async def test_a_request_id_reused_for_different_content_is_a_409_conflict(
    demand: Service, client: httpx.AsyncClient, manufacturer: str
) -> None:
    await client.post("/v1/demands", json=demand_fields(manufacturer, "H-3"))
    response = await client.post(
        "/v1/demands", json=demand_fields(manufacturer, "H-3", max_unit_price=LEAVE_OUT)
    )

    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "urn:vault:problem:demand_conflict"
    assert problem["order_id"] == order_id_for(DemandKey(manufacturer, "H-3"))


async def test_concurrent_resends_are_answered_once_as_accepted_and_procured_once(
    demand: Service, tap: Tap, client: httpx.AsyncClient, manufacturer: str
) -> None:
    body = demand_fields(manufacturer, "H-4")
    responses = await asyncio.gather(*(client.post("/v1/demands", json=body) for _ in range(6)))

    assert sorted(r.json()["status"] for r in responses) == ["accepted"] + ["duplicate"] * 5
    await tap.wait_for(topics.DEMAND_OUTCOMES, of(manufacturer), 6)
    assert len(tap.events(topics.PROCUREMENT_REQUESTED, of(manufacturer))) == 1


async def test_a_demand_without_ids_is_refused_with_reasons_and_nothing_is_published(
    demand: Service, client: httpx.AsyncClient, manufacturer: str
) -> None:
    outbox_before = await demand.pool.fetchval("SELECT count(*) FROM outbox")
    body = demand_fields(manufacturer, LEAVE_OUT, manufacturer_id=42, unit="oz")
    response = await client.post("/v1/demands", json=body)

    assert response.status_code == 422
    problem = response.json()
    assert [(r["field"], r["code"]) for r in problem["reasons"]] == [
        ("manufacturer_id", "not_text"),
        ("request_id", "missing"),
        ("unit", "wrong_unit"),
    ]
    assert "instance" not in problem
    assert await demand.pool.fetchval("SELECT count(*) FROM outbox") == outbox_before


# Control characters, a NaN, an object for a date, an id far too long.
HOSTILE = (
    b'{"manufacturer_id": "m", "request_id": "' + b"r" * 150 + b'", "mineral": "\\u0000\\n",'
    b' "quantity": NaN, "unit": "t", "deliver_by": {"a": 1}, "max_unit_price": "1e999999"}'
)


async def endless_body() -> AsyncIterator[bytes]:
    """A body sent in chunks with no Content-Length: the cap must hold as it streams."""
    for _ in range(1000):
        yield b" " * 1024


async def test_requests_that_cannot_be_read_are_4xx_problems_never_500(
    demand: Service, client: httpx.AsyncClient
) -> None:
    json_type = {"content-type": "application/json"}
    cases = [
        (client.post("/v1/demands", content=b"{not json", headers=json_type), 400),
        (client.post("/v1/demands", content=b"[1, 2]", headers=json_type), 400),
        (client.post("/v1/demands", content=b"", headers=json_type), 400),
        (client.post("/v1/demands", content=b"[" * 5000, headers=json_type), 400),
        (client.post("/v1/demands", content=b"a=1", headers={"content-type": "text/plain"}), 415),
        (client.post("/v1/demands", content=b" " * 20_000, headers=json_type), 413),
        (client.post("/v1/demands", content=endless_body(), headers=json_type), 413),
        (client.post("/v1/demands", content=HOSTILE, headers=json_type), 422),
        (client.get("/v1/demands/nobody/nothing"), 404),
        (client.get("/v1/demands/bad%00id/x"), 400),  # NUL: refused at the door (shared.http)
        (client.put("/v1/demands", json={}), 405),
    ]
    for request, status in cases:
        response = await request
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == PROBLEM
        assert json.loads(response.content)["status"] == status


async def test_a_replenishment_sent_over_http_is_refused_with_its_reason(
    demand: Service, tap: Tap, client: httpx.AsyncClient, manufacturer: str
) -> None:
    response = await client.post(
        "/v1/demands", json=demand_fields(manufacturer, "H-repl", kind="replenishment")
    )

    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    assert [(r["code"], r["field"]) for r in response.json()["reasons"]] == [
        ("kind_not_accepted", "kind")
    ]
    unknown = await client.get(f"/v1/replenishments/{manufacturer}/rel-none")
    assert unknown.status_code == 404
