"""Every service's API with PostgreSQL actually down: 503 with Retry-After, never a 500.

Issue 13, 10: the gateway answered 500 on ``GET /v1/legs`` while PostgreSQL was down. A
PostgreSQL of the test's own is started, the services work on it, it is stopped (a
fast shutdown: the server ends every session and stops listening), and each API is asked
again; then it comes back and so do the answers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.access import ADMIN
from tests.support.infra import private_state
from tests.support.services import Running, ServiceName, running
from vault.infra.launcher import Endpoints
from vault.infra.postgres import PostgresServer
from vault.infra.process import free_port

# A read each API answers from the database, as its users call it.
READS: dict[ServiceName, str] = {
    "trader_gateway": "/v1/legs",
    "sourcing": "/v1/orders",
    "inventory": "/v1/warehouses",
    "demand": "/v1/demands/m-1/r-1",
}


@pytest.fixture(scope="module")
async def postgres() -> AsyncIterator[PostgresServer]:
    with private_state("vault-test-pg-down-") as state:
        server = PostgresServer.load_or_create(state / "postgres", free_port())
        await asyncio.to_thread(server.start)
        await asyncio.to_thread(server.wait_ready)
        try:
            yield server
        finally:
            await asyncio.to_thread(server.stop)


async def _trader_key(client: httpx.AsyncClient) -> str:
    body = {
        "name": "Trading house pg-down",
        "markets": ["cobalt"],
        "rank": 1,
        "capacity": "100",
        "exposure_limit_usd": "1000000",
    }
    made = await client.put("/v1/admin/traders/trader-pg-down", json=body, headers=ADMIN)
    assert made.status_code == 201, made.text
    issued = await client.post("/v1/admin/traders/trader-pg-down/keys", json={}, headers=ADMIN)
    assert issued.status_code == 201, issued.text
    return str(issued.json()["api_key"])


async def test_10_with_postgresql_down_every_api_answers_503_with_retry_after(
    infra: Endpoints, postgres: PostgresServer
) -> None:
    started: dict[ServiceName, Running] = {}
    async with contextlib.AsyncExitStack() as stack:
        for name in READS:
            started[name] = await stack.enter_async_context(
                running(name, infra, database_url=postgres.admin_url("postgres"))
            )
        key = await _trader_key(started["trader_gateway"].client)
        headers = {"Authorization": f"Bearer {key}"}  # a trader's, at the gateway

        async def ask() -> dict[ServiceName, httpx.Response]:
            return {
                name: await started[name].client.get(
                    url, headers=headers if name == "trader_gateway" else ADMIN
                )
                for name, url in READS.items()
            }

        before = await ask()
        await asyncio.to_thread(postgres.stop)
        try:
            down = await ask()
            offer = await started["trader_gateway"].client.post(
                "/v1/offers", json={}, headers={**headers, "Idempotency-Key": "k-1"}
            )
        finally:
            await asyncio.to_thread(postgres.start)
            await asyncio.to_thread(postgres.wait_ready)

        async def back() -> bool:
            again = await ask()
            return all(r.status_code == before[n].status_code for n, r in again.items())

        for _ in range(100):
            if await back():
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the APIs did not recover once PostgreSQL was back")

    assert {n: r.status_code for n, r in before.items()} == {
        "trader_gateway": 200,
        "sourcing": 200,
        "inventory": 200,
        "demand": 404,
    }
    answers = [(f"{name} GET {READS[name]}", answer) for name, answer in down.items()]
    for what, answer in [*answers, ("trader_gateway POST /v1/offers", offer)]:
        assert answer.status_code == 503, (what, answer.text[:300])
        assert answer.headers["retry-after"] == "5", what
        assert answer.json()["code"] == "unavailable", what
