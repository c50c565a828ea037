"""Who may submit and read demand: a manufacturer its own only, ops read, strangers nothing;
guessing from one address never locks out the valid keys behind it."""

from __future__ import annotations

import asyncio
import secrets
import uuid

import httpx

from services.demand.app import create_api
from shared.service import Service
from tests.integration.demand.intake import demand_fields
from tests.support.access import OPS_READ, bearer, grant
from tests.support.access import manufacturer as key_of


def _other() -> str:
    return f"mfr-{uuid.uuid4().hex[:10]}"


async def test_a_manufacturer_submits_and_reads_its_own_demand_only(
    demand: Service, client: httpx.AsyncClient, manufacturer: str
) -> None:
    mine, theirs = await key_of(demand, manufacturer), _other()
    own = await client.post("/v1/demands", json=demand_fields(manufacturer, "A-1"), headers=mine)
    assert own.status_code == 202
    assert (await client.get(f"/v1/demands/{manufacturer}/A-1", headers=mine)).status_code == 200

    in_their_name = await client.post(
        "/v1/demands", json=demand_fields(theirs, "A-1"), headers=mine
    )
    assert (in_their_name.status_code, in_their_name.json()["code"]) == (403, "forbidden")
    # Their demand (submitted by ops on their behalf) is not found, exactly as none would be.
    await client.post("/v1/demands", json=demand_fields(theirs, "B-1"))
    found = await client.get(f"/v1/demands/{theirs}/B-1", headers=mine)
    missing = await client.get(f"/v1/demands/{theirs}/nothing", headers=mine)
    assert found.status_code == missing.status_code == 404
    assert found.json() == missing.json()
    assert theirs not in found.text


async def test_read_only_ops_read_and_may_not_submit(
    client: httpx.AsyncClient, manufacturer: str
) -> None:
    await client.post("/v1/demands", json=demand_fields(manufacturer, "R-1"))
    read = await client.get(f"/v1/demands/{manufacturer}/R-1", headers=OPS_READ)
    assert read.status_code == 200
    submit = await client.post(
        "/v1/demands", json=demand_fields(manufacturer, "R-2"), headers=OPS_READ
    )
    assert submit.status_code == 403


async def test_strangers_and_revoked_keys_are_unauthorised(
    demand: Service, client: httpx.AsyncClient, manufacturer: str
) -> None:
    key = await grant(demand, "manufacturer", manufacturer)
    for headers in (
        {"Authorization": ""},
        {"Authorization": "Bearer vlt_x"},
        bearer(key[:-2] + "xx"),
    ):
        answer = await client.get(f"/v1/demands/{manufacturer}/x", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")
    key_id = key.split("_")[1]
    async with demand.pool.acquire() as conn:
        await demand.credentials.revoke(conn, [(key_id, await conn.fetchval("SELECT now()"))])
    revoked = await client.get(f"/v1/demands/{manufacturer}/x", headers=bearer(key))
    assert revoked.status_code == 401


async def test_guessing_at_100_a_second_never_refuses_a_valid_manufacturer_on_that_address(
    demand: Service, manufacturer: str
) -> None:
    mine = await key_of(demand, manufacturer)
    victim_id = (await grant(demand, "manufacturer", _other())).split("_")[1]
    api = create_api(demand)
    bad: list[int] = []
    good: list[int] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://d") as c:

        async def guesser() -> None:
            loop = asyncio.get_running_loop()
            start = loop.time()
            for n in range(200):
                guess = f"vlt_{victim_id}_{secrets.token_urlsafe(32)}" if n % 2 else "nonsense"
                answer = await c.get("/v1/demands/x/y", headers=bearer(guess))
                bad.append(answer.status_code)
                await asyncio.sleep(max(0.0, start + (n + 1) / 100 - loop.time()))

        async def manufacturer_calls() -> None:
            for n in range(40):
                body = demand_fields(manufacturer, f"G-{n}")
                good.append((await c.post("/v1/demands", json=body, headers=mine)).status_code)
                await asyncio.sleep(0.04)

        await asyncio.gather(guesser(), manufacturer_calls())
    assert set(bad) == {401, 429}, bad
    assert bad.count(429) > 100, bad
    assert good == [202] * 40, good
