"""Hostile text and integers over HTTP, on the real database: a 4xx naming the input, never a 500.

Issue 13, 11: a NUL character in a path, a query parameter or a body field reached
PostgreSQL ("invalid byte sequence for encoding UTF8: 0x00") and an integer beyond
int64 in a query parameter overflowed the driver, both answered 500 by sourcing and
inventory. ``shared.http`` now refuses them for every service: NUL in the path or the
query is a 400, NUL or a lone surrogate in a JSON body's text a 422 naming the field.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from shared.http.app import create_api
from shared.http.app import router as api_router
from tests.support.access import ADMIN
from tests.support.services import SERVICES, Running, ServiceName, running
from vault.infra.launcher import Endpoints

INT64_PAST = str(2**63)

# service -> (method, url, JSON body or None, status, field the problem names)
Case = tuple[ServiceName, str, str, Any, int, str | None]
CASES: list[Case] = [
    ("sourcing", "GET", "/v1/orders/x%00y", None, 400, "path"),
    ("sourcing", "GET", "/v1/orders?manufacturer_id=x%00y", None, 400, "query.manufacturer_id"),
    ("inventory", "GET", "/v1/held-fills?warehouse=x%00y", None, 400, "query.warehouse"),
    ("inventory", "GET", "/v1/held-fills?order_id=%00", None, 400, "query.order_id"),
    ("inventory", "GET", "/v1/lots/lot%00x", None, 400, "path"),
    ("inventory", "GET", "/v1/orders/o%00/receipts", None, 400, "path"),
    ("inventory", "GET", "/v1/holdings?owner=a%00", None, 400, "query.owner"),
    ("inventory", "GET", "/v1/minerals/co%00balt/history", None, 400, "path"),
    (
        "inventory",
        "GET",
        f"/v1/minerals/cobalt/history?after={INT64_PAST}",
        None,
        422,
        "query.after",
    ),
    ("inventory", "GET", "/v1/manufacturers/m%00/releases/r", None, 400, "path"),
    (
        "inventory",
        "POST",
        "/v1/warehouses",
        {
            "warehouse_id": "wh-nul",
            "name": "Hall\u0000 7",
            "kind": "owned",
            "location": "Ohio",
            "operator": "us",
        },
        422,
        "body.name",
    ),
    (
        "inventory",
        "POST",
        "/v1/adjustments",
        {"lot_id": "lot\u0000", "quantity": "1", "reason": "count", "author": "ops"},
        422,
        "body.lot_id",
    ),
    (
        "inventory",
        "POST",
        "/v1/adjustments",
        {"lot_id": "lot-1", "quantity": "1", "reason": "miscount\u0000", "author": "ops"},
        422,
        "body.reason",
    ),
    (
        "inventory",
        "POST",
        "/v1/transfers",
        {"lot_id": "lot-1\u0000", "to_warehouse_id": "wh-1", "quantity": "1"},
        422,
        "body.lot_id",
    ),
    (
        "inventory",
        "POST",
        "/v1/warehouses",
        b'{"warehouse_id": "wh-s", "name": "a\\ud800", "kind": "owned", "location": "x",'
        b' "operator": "y"}',
        422,
        "body.name",
    ),
    ("demand", "GET", "/v1/demands/m%00/r", None, 400, "path"),
    ("trader_gateway", "GET", "/v1/legs?cursor=%00", None, 400, "query.cursor"),
]


@pytest.fixture(scope="module")
async def services(infra: Endpoints) -> AsyncIterator[dict[ServiceName, Running]]:
    wanted = sorted({case[0] for case in CASES}, key=SERVICES.index)
    started: dict[ServiceName, Running] = {}
    async with contextlib.AsyncExitStack() as stack:
        for name in wanted:
            started[name] = await stack.enter_async_context(running(name, infra))
            # A program admin may call every route: the hostile input reaches the handler.
            started[name].client.headers.update(ADMIN)
        yield started


@pytest.mark.parametrize(
    ("name", "method", "url", "body", "status", "field"),
    CASES,
    ids=[f"{c[0]} {c[1]} {c[2][:50]} {c[5]}" for c in CASES],
)
async def test_hostile_text_and_integers_get_a_4xx_problem_naming_the_input(
    services: dict[ServiceName, Running],
    name: ServiceName,
    method: str,
    url: str,
    body: Any,
    status: int,
    field: str | None,
) -> None:
    client = services[name].client
    if isinstance(body, bytes):
        headers = {"content-type": "application/json"}
        answer = await client.request(method, url, content=body, headers=headers)
    else:
        answer = await client.request(method, url, json=body)

    assert answer.status_code == status, answer.text[:500]
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == field


async def test_an_integer_the_driver_cannot_encode_is_a_422_and_any_other_overflow_a_500(
    database_url: str,
) -> None:
    """What no route bounds still does not come back as a 500 (the net under ``Int64``)."""
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    router = api_router()

    @router.get("/echo")
    async def echo(value: int) -> dict[str, int]:
        return {"value": await pool.fetchval("SELECT $1::bigint", value)}

    @router.get("/rows")
    async def rows(value: int) -> dict[str, int]:
        found = await pool.fetch("SELECT g FROM generate_series(1, 2) AS g WHERE g > $1", value)
        return {"rows": len(found)}

    @router.get("/text")
    async def text(value: str) -> dict[str, str]:
        # As a route would that builds text of its own from what it was sent.
        return {"value": await pool.fetchval("SELECT $1::text", value + "\x00")}

    @router.get("/division")
    async def division() -> dict[str, int]:
        return {"value": await pool.fetchval("SELECT 1 / 0")}  # a bug of ours

    @router.get("/bug")
    async def bug() -> dict[str, float]:
        return {"value": math.exp(1000)}  # OverflowError, ours

    api = create_api(title="t", description="t", context=None, routers=[router])
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            fits = await client.get("/v1/echo", params={"value": str(2**63 - 1)})
            beyond = [
                await client.get(f"/v1/{route}", params={"value": str(2**63)})
                for route in ("echo", "rows")
            ]
            nul = await client.get("/v1/text", params={"value": "a"})
            ours = [await client.get("/v1/bug"), await client.get("/v1/division")]
    finally:
        await pool.close()
    assert fits.json() == {"value": 2**63 - 1}
    assert [(b.status_code, b.json()["code"]) for b in beyond] == [(422, "validation")] * 2
    assert (nul.status_code, nul.json()["code"]) == (422, "validation")
    assert [(o.status_code, o.json()["code"]) for o in ours] == [(500, "internal_error")] * 2


async def test_a_csv_export_named_after_any_text_is_answered_with_a_latin_1_header(
    services: dict[ServiceName, Running],
) -> None:
    # Schemathesis (test_openapi_every_service) found it: the mineral of the path went
    # verbatim into Content-Disposition, which must be Latin-1, and the export was a 500.
    client = services["inventory"].client
    for mineral in ("\U000f2907\U000fe11d2Q", 'co"balt;x=\\', "cobalt"):
        answer = await client.get(f"/v1/minerals/{mineral}/history", params={"format": "csv"})
        assert answer.status_code == 200, answer.text[:300]
        disposition = answer.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="')
        assert "filename*=UTF-8''" in disposition
