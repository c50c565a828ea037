"""Who may do what: traders see only their own legs; admin needs a program admin's key; limits hold."""

from __future__ import annotations

import asyncio
import secrets
from decimal import Decimal

import httpx

from services.trader_gateway.app import create_api
from shared import topics
from tests.integration.trader_gateway.conftest import gateway_settings
from tests.integration.trader_gateway.harness import (
    Gateway,
    admin_headers,
    fill_body,
    trader_headers,
    unique,
)
from tests.support.access import OPS_READ, manufacturer


async def test_another_traders_leg_answers_exactly_as_a_leg_that_does_not_exist(
    gateway: Gateway,
) -> None:
    owner, _ = await gateway.register_trader()
    _, intruder_key = await gateway.register_trader()
    routed = await gateway.route_leg(owner)

    def calls(leg_id: str) -> list[tuple[str, str, dict[str, object] | None]]:
        return [
            ("GET", f"/v1/legs/{leg_id}", None),
            ("POST", f"/v1/legs/{leg_id}/fills", fill_body()),
            ("POST", f"/v1/legs/{leg_id}/decline", {"reason": "not mine anyway"}),
        ]

    for (method, url, body), (_, missing_url, _) in zip(
        calls(routed.leg_id), calls(unique("leg")), strict=True
    ):
        theirs = await gateway.client.request(
            method, url, json=body, headers=trader_headers(intruder_key, unique("idem"))
        )
        missing = await gateway.client.request(
            method, missing_url, json=body, headers=trader_headers(intruder_key, unique("idem"))
        )
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json()
    listed = await gateway.client.get("/v1/legs?status=all", headers=trader_headers(intruder_key))
    assert listed.json()["items"] == []
    assert await gateway.outbox(routed.order_id) == []


async def test_admin_endpoints_refuse_a_traders_key_and_change_nothing(gateway: Gateway) -> None:
    trader, key = await gateway.register_trader(markets=("cobalt",))
    attempts = [
        (
            "PUT",
            f"/v1/admin/traders/{trader}",
            {
                "name": "x",
                "markets": ["lithium"],
                "rank": 1,
                "capacity": "1",
                "exposure_limit_usd": "1",
            },
        ),
        ("POST", f"/v1/admin/traders/{trader}/keys", {}),
        ("GET", f"/v1/admin/traders/{trader}", None),
    ]
    for method, url, body in attempts:
        answer = await gateway.client.request(method, url, json=body, headers=trader_headers(key))
        assert (answer.status_code, answer.json()["code"]) == (401, "unauthorised"), url
    read = await gateway.client.get(f"/v1/admin/traders/{trader}", headers=admin_headers())
    assert read.json()["markets"] == ["cobalt"]
    assert len(read.json()["keys"]) == 1
    # Nor does the admin token open the trader API.
    as_admin = await gateway.client.get("/v1/legs", headers=admin_headers())
    assert as_admin.status_code == 401


async def test_registering_a_trader_emits_its_terms_once_and_again_only_when_they_change(
    gateway: Gateway,
) -> None:
    trader = unique("trader")
    body = {
        "name": "Hartree Partners",
        "markets": ["cobalt", "lithium"],
        "rank": 2,
        "capacity": "1200",
        "exposure_limit_usd": "90000000",
    }
    url = f"/v1/admin/traders/{trader}"
    assert (await gateway.client.put(url, json=body, headers=admin_headers())).status_code == 201
    assert (await gateway.client.put(url, json=body, headers=admin_headers())).status_code == 200
    changed = {**body, "rank": 1}
    assert (await gateway.client.put(url, json=changed, headers=admin_headers())).status_code == 200
    events = await gateway.recorder.wait_for(topics.PROGRAM_TRADERS, trader, 2)
    assert [e["payload"]["rank"] for e in events] == [2, 1]
    assert events[0]["payload"]["markets"] == ["cobalt", "lithium"]
    assert Decimal(events[0]["payload"]["capacity"]) == Decimal("1200")
    for bad in ({"markets": ["unobtainium"]}, {"name": "Hartree\u0000"}, {"rank": 0}):
        refused = await gateway.client.put(url, json={**body, **bad}, headers=admin_headers())
        assert (refused.status_code, refused.json()["code"]) == (422, "validation"), bad


async def test_keys_are_stored_hashed_and_can_be_rotated_and_revoked(gateway: Gateway) -> None:
    trader, old_key = await gateway.register_trader()
    stored = await gateway.pool.fetch("SELECT * FROM api_keys WHERE trader_id = $1", trader)
    assert old_key not in str([dict(r) for r in stored])
    rotated = await gateway.client.post(
        f"/v1/admin/traders/{trader}/keys",
        json={"retire_others_after_seconds": 3600},
        headers=admin_headers(),
    )
    assert rotated.status_code == 201
    new_key = rotated.json()["api_key"]
    assert rotated.headers["cache-control"] == "no-store"
    assert len(rotated.json()["retiring"]) == 1
    for key in (old_key, new_key):  # both work during the grace period
        assert (
            await gateway.client.get("/v1/legs", headers=trader_headers(key))
        ).status_code == 200

    old_id = rotated.json()["retiring"][0]["key_id"]
    revoked = await gateway.client.delete(
        f"/v1/admin/traders/{trader}/keys/{old_id}", headers=admin_headers()
    )
    assert revoked.status_code == 200
    refused = await gateway.client.get("/v1/legs", headers=trader_headers(old_key))
    assert (refused.status_code, refused.json()["code"]) == (401, "unauthorised")
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert (
        await gateway.client.get("/v1/legs", headers=trader_headers(new_key))
    ).status_code == 200


async def test_missing_or_malformed_credentials_are_refused_alike(gateway: Gateway) -> None:
    _, key = await gateway.register_trader()
    for headers in (
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": f"Bearer {key[:-1]}x"},
    ):
        answer = await gateway.client.get("/v1/legs", headers=headers)
        assert answer.status_code == 401
        assert answer.json()["detail"] == "missing, invalid or revoked API key"


async def test_a_deactivated_trader_is_locked_out_at_once(gateway: Gateway) -> None:
    trader, key = await gateway.register_trader()
    body = {
        "name": "x",
        "markets": ["cobalt"],
        "rank": 1,
        "capacity": "1",
        "exposure_limit_usd": "1",
        "active": False,
    }
    await gateway.client.put(f"/v1/admin/traders/{trader}", json=body, headers=admin_headers())
    assert (await gateway.client.get("/v1/legs", headers=trader_headers(key))).status_code == 401


async def test_the_admin_api_needs_a_program_admin_and_its_reads_an_ops_key(
    gateway: Gateway,
) -> None:
    trader, _ = await gateway.register_trader()
    body = {"name": "x", "markets": ["cobalt"], "rank": 1, "capacity": "1"}
    body["exposure_limit_usd"] = "1"
    reader = await gateway.client.put(f"/v1/admin/traders/{trader}", json=body, headers=OPS_READ)
    assert (reader.status_code, reader.json()["code"]) == (403, "forbidden")
    maker = await manufacturer(gateway.service, unique("m"))
    assert (await gateway.client.get("/v1/admin/performance", headers=maker)).status_code == 403
    assert (await gateway.client.get("/v1/admin/performance", headers=OPS_READ)).status_code == 200
    nobody = await gateway.client.get("/v1/admin/performance")
    assert nobody.status_code == 401
    assert nobody.headers["content-type"] == "application/problem+json"


async def test_each_key_is_rate_limited_with_retry_after(gateway: Gateway) -> None:
    _, key = await gateway.register_trader()
    api = create_api(
        gateway.service, gateway_settings(rate_per_second=Decimal("0.5"), rate_burst=3)
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://g") as c:
        statuses = [(await c.get("/v1/legs", headers=trader_headers(key))) for _ in range(5)]
    assert [a.status_code for a in statuses] == [200, 200, 200, 429, 429]
    assert statuses[-1].json()["code"] == "rate_limited"
    assert int(statuses[-1].headers["retry-after"]) >= 1


async def test_repeated_failed_logins_from_one_address_are_slowed_down(gateway: Gateway) -> None:
    api = create_api(gateway.service, gateway_settings(auth_failure_burst=3))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://g") as c:
        statuses = [
            (await c.get("/v1/legs", headers={"Authorization": "Bearer wrong"})).status_code
            for _ in range(5)
        ]
    assert statuses == [401, 401, 401, 429, 429]


async def test_guessing_from_an_address_never_locks_out_the_valid_keys_behind_it(
    gateway: Gateway,
) -> None:
    """100 bad keys a second from one address (a NAT shared with a guesser): the guesser is
    slowed to 429 within a second, while a trader and a program admin on that same
    address keep getting 2xx, every request."""
    _, key = await gateway.register_trader()
    api = create_api(
        gateway.service, gateway_settings(auth_failure_burst=5, auth_failures_per_second=1)
    )
    _, real = await gateway.register_trader()
    guessed_id = real.split("_")[1]
    valid: list[int] = []
    bad: list[int] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://g") as c:

        async def guesser() -> None:
            loop = asyncio.get_running_loop()
            start = loop.time()
            for n in range(200):  # two seconds at 100 a second
                wrong = f"vlt_{guessed_id}_{secrets.token_urlsafe(32)}" if n % 2 else "Bearer x"
                answer = await c.get("/v1/legs", headers={"Authorization": f"Bearer {wrong}"})
                bad.append(answer.status_code)
                await asyncio.sleep(max(0.0, start + (n + 1) / 100 - loop.time()))

        async def valid_callers() -> None:
            for _ in range(40):
                valid.append((await c.get("/v1/legs", headers=trader_headers(key))).status_code)
                admin = await c.get("/v1/admin/performance", headers=admin_headers())
                valid.append(admin.status_code)
                await asyncio.sleep(0.05)

        await asyncio.gather(guesser(), valid_callers())
    assert set(bad) == {401, 429}, bad
    assert bad.count(429) > 150, bad
    assert valid == [200] * 80, valid


async def test_framework_errors_come_as_problem_documents_too(gateway: Gateway) -> None:
    _, key = await gateway.register_trader()
    unknown = await gateway.client.get("/v1/nowhere", headers=trader_headers(key))
    wrong_method = await gateway.client.patch("/v1/legs", headers=trader_headers(key))
    too_big_page = await gateway.client.get("/v1/legs?limit=1000", headers=trader_headers(key))
    bad_filter = await gateway.client.get("/v1/legs?status=lost", headers=trader_headers(key))
    for answer, status in (
        (unknown, 404),
        (wrong_method, 405),
        (too_big_page, 422),
        (bad_filter, 422),
    ):
        assert answer.status_code == status
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["status"] == status
    assert "GET" in wrong_method.headers["allow"]


async def test_legs_are_listed_soonest_deadline_first_a_page_at_a_time(gateway: Gateway) -> None:
    trader, key = await gateway.register_trader()
    routed = [await gateway.route_leg(trader, mineral="cobalt") for _ in range(5)]
    nickel = await gateway.route_leg(trader, mineral="nickel", market="battery_metals")
    seen: list[str] = []
    cursor: str | None = None
    while True:
        url = "/v1/legs?limit=2&mineral=cobalt" + (f"&cursor={cursor}" if cursor else "")
        page = (await gateway.client.get(url, headers=trader_headers(key))).json()
        seen += [item["leg_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [r.leg_id for r in sorted(routed, key=lambda r: (r.deadline, r.leg_id))]
    assert nickel.leg_id not in seen
    forged = await gateway.client.get("/v1/legs?cursor=abc", headers=trader_headers(key))
    assert (forged.status_code, forged.json()["code"]) == (400, "invalid_cursor")
    other_listing = await gateway.client.get("/v1/legs?limit=2", headers=trader_headers(key))
    reused = await gateway.client.get(
        f"/v1/legs?mineral=cobalt&cursor={other_listing.json()['next_cursor']}",
        headers=trader_headers(key),
    )
    assert reused.status_code == 400
