"""Every caller reaches only what is its own: thousands of cross-principal requests against
every endpoint of every service, as each role and as strangers, with others' ids.

After the demo, each manufacturer (volta-motors, helios-solar) is given a fresh key from
access, with an ``ops_read`` auditor and a trading house. Every endpoint each service's
OpenAPI document lists is then called by each of them with the *other* party's ids (its
orders, demands, release, lots, legs, its manufacturer id in paths, queries and bodies),
and by strangers (no key, a malformed key, a well-formed key nobody issued). Each answer
must refuse (401 for strangers and keys of the wrong kind, 403 for a role that lacks the
action or a request in another's name, 404 for another's object) and carry nothing of
the other party's: the body is a bare problem document naming none of its ids.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import System
from vault.credentials import new_key
from vault.scenario import seed
from vault.scenario.demo import Demo, DemoResult

pytestmark = pytest.mark.e2e

SERVICES = ("demand", "sourcing", "trader_gateway", "inventory", "access")
MAKERS = ("volta-motors", "helios-solar")
PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "instance"}
VICTIMS = {"order_id", "manufacturer_id", "request_id", "release_id", "lot_id", "leg_id"}
VICTIMS.add("principal")
PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::path)?\}")
RATE_LIMITED_RETRIES = 5


@dataclass(frozen=True)
class Endpoint:
    service: str
    method: str
    path: str

    @property
    def trader_route(self) -> bool:
        """The gateway's trader API (a trading house's own key), not its /v1/admin."""
        return self.service == "trader_gateway" and not self.path.startswith("/v1/admin")


# Who a key belongs to (the console's sign-in asks it): any valid key, about itself only.
OWN_IDENTITY = Endpoint("access", "GET", "/v1/me")


@dataclass
class Party:
    """One manufacturer's things, read as ops: what no one else may learn."""

    manufacturer_id: str
    orders: list[str]
    requests: list[str]
    releases: list[str]
    lots: list[str]
    legs: list[str]
    minerals: list[str]

    def ids(self) -> set[str]:
        return {*self.orders, *self.requests, *self.releases, *self.lots, *self.legs}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def endpoints(http: httpx.AsyncClient, system: System) -> list[Endpoint]:
    found = []
    for service in SERVICES:
        document = (await http.get(f"{system.url(service)}/v1/openapi.json")).json()
        for path, operations in document["paths"].items():
            for method in operations:
                if method in ("get", "post", "put", "delete", "patch"):
                    found.append(Endpoint(service, method.upper(), path))
    return found


async def party(
    http: httpx.AsyncClient, system: System, admin: dict[str, str], result: DemoResult, m: str
) -> Party:
    requests = [d.request_id for d in seed.DEMANDS if d.manufacturer_id == m]
    orders = [result.orders[r] for r in requests]
    releases = []
    if result.release.get("manufacturer_id") == m:
        releases.append(str(result.release["release_id"]))
        orders.append(result.replenishment_order)
        requests.append(str(result.release["replenishment"]["request_id"]))
    legs = []
    for order_id in orders:
        answer = await http.get(
            f"{system.url('trader_gateway')}/v1/admin/orders/{order_id}/legs", headers=admin
        )
        legs += [leg["leg_id"] for leg in answer.json().get("legs", [])]
    holdings = await http.get(
        f"{system.url('inventory')}/v1/holdings",
        params={"owner": m, "group_by": "lot"},
        headers=admin,
    )
    lots = [h["lot_id"] for h in holdings.json()["holdings"] if h.get("lot_id")]
    minerals = sorted({d.mineral for d in seed.DEMANDS if d.manufacturer_id == m})
    assert orders, m
    assert legs, m
    assert lots, m
    return Party(m, orders, requests, releases, lots, legs, minerals)


def names_victim(endpoint: Endpoint) -> bool:
    """Whether the path itself names one of the victim's things (a mineral, an offer id, a
    trader's id or a key id made up here are nobody's in particular)."""
    return bool(set(PLACEHOLDER.findall(endpoint.path)) & VICTIMS)


def values_for(victim: Party) -> dict[str, list[str]]:
    return {
        "order_id": victim.orders,
        "manufacturer_id": [victim.manufacturer_id],
        "request_id": victim.requests,
        "release_id": victim.releases or ["rel-none"],
        "lot_id": victim.lots,
        "leg_id": victim.legs,
        "mineral": victim.minerals,
        "trader_id": ["northstar-us"],
        "offer_id": [f"of-{uuid.uuid4().hex[:8]}"],
        "key_id": [uuid.uuid4().hex[:16]],
        "principal": [f"manufacturer:{victim.manufacturer_id}"],
    }


def variants(endpoint: Endpoint, victim: Party) -> Iterator[str]:
    """The path with each of the victim's ids in turn, for every placeholder it has."""
    names = PLACEHOLDER.findall(endpoint.path)
    if not names:
        yield endpoint.path
        return
    values = values_for(victim)
    longest = max(len(values.get(n, ["x"])) for n in names)
    for i in range(longest):
        path = endpoint.path
        for name in names:
            choices = values.get(name, ["x"])
            value = choices[i % len(choices)]
            path = path.replace(f"{{{name}:path}}", value).replace(f"{{{name}}}", value)
        yield path


def body_for(victim: Party, path: str) -> dict[str, Any]:
    """A well-formed body in the victim's name (a malformed one would be a 422 before the
    name is looked at): a release's fields for releases, every field a write names else."""
    m = victim.manufacturer_id
    if path.endswith("/fills"):
        return {
            "mineral": victim.minerals[0],
            "quantity": {"amount": "1", "unit": "t"},
            "unit_price": {"amount": "1", "currency": "USD", "per": "t"},
            "origin_country": "AU",
            "warehouse_id": "wh-nl-rotterdam",
            "lot_reference": "LOT-STOLEN",
            "filled_at": datetime.now(UTC).isoformat(),
        }
    if path.endswith("/decline"):
        return {"reason": "not mine to decline"}
    if path == "/v1/releases":
        return {
            "manufacturer_id": m,
            "mineral": "cobalt",
            "quantity": "1",
            "release_id": f"steal-{uuid.uuid4().hex[:8]}",
        }
    return {
        "manufacturer_id": m,
        "request_id": f"steal-{uuid.uuid4().hex[:8]}",
        "mineral": victim.minerals[0],
        "quantity": "1",
        "unit": "t",
        "max_unit_price": "1",
        "deliver_by": "2031-01-01",
        "release_id": f"steal-{uuid.uuid4().hex[:8]}",
        "lot_id": victim.lots[0],
        "to_warehouse_id": "wh-nl-rotterdam",
        "reason": "test",
        "author": "intruder",
        "warehouse_id": "wh-stolen",
        "name": "x",
        "kind": "manufacturer",
        "id": m,
        "markets": ["cobalt"],
        "rank": 1,
        "capacity": "1",
        "exposure_limit_usd": "1",
    }


@dataclass(frozen=True)
class Attempt:
    who: str
    endpoint: Endpoint
    path: str
    headers: dict[str, str]
    victim: Party
    allowed: frozenset[int]
    # The victim's manufacturer id in the query (manufacturer_id=, owner=) too, or not.
    query: bool = True


async def test_every_cross_principal_request_is_refused_with_nothing_of_the_other_party(
    system: System, demo: tuple[Demo, DemoResult]
) -> None:
    _, result = demo
    admin = bearer(system.admin_token)
    async with httpx.AsyncClient(timeout=30) as http:
        access = system.url("access")
        keys: dict[str, dict[str, str]] = {}
        for m in MAKERS:
            issued = await http.post(
                f"{access}/v1/principals/manufacturer:{m}/keys", json={}, headers=admin
            )
            keys[m] = bearer(issued.json()["api_key"])
        auditor = await http.post(
            f"{access}/v1/principals",
            json={"kind": "ops", "id": f"auditor-{uuid.uuid4().hex[:6]}", "role": "ops_read"},
            headers=admin,
        )
        keys["ops_read"] = bearer(auditor.json()["api_key"])
        gateway = system.url("trader_gateway")
        trader_id = f"t-{uuid.uuid4().hex[:8]}"
        terms = {"name": "T", "markets": ["cobalt"], "rank": 9, "capacity": "1"}
        terms["exposure_limit_usd"] = "1"
        await http.put(f"{gateway}/v1/admin/traders/{trader_id}", json=terms, headers=admin)
        trader = await http.post(
            f"{gateway}/v1/admin/traders/{trader_id}/keys", json={}, headers=admin
        )
        keys["trader"] = bearer(trader.json()["api_key"])
        await _accepted_everywhere(http, system, [keys[m] for m in MAKERS] + [keys["ops_read"]])

        for me, other in itertools.permutations(MAKERS):
            mine = await http.get(f"{access}/v1/me", headers=keys[me])
            assert mine.status_code == 200, mine.text
            assert mine.json()["principal"] == f"manufacturer:{me}"
            assert other not in mine.text
        parties = {m: await party(http, system, admin, result, m) for m in MAKERS}
        found = await endpoints(http, system)
        assert {e.service for e in found} == set(SERVICES)
        attempts = [
            variant
            for a in _attempts(found, parties, keys)
            for variant in (
                # Without the query only where the path itself names the victim's ids.
                (a, dataclasses.replace(a, query=False)) if names_victim(a.endpoint) else (a,)
            )
        ]
        assert len(attempts) >= 1000, len(attempts)

        gate = asyncio.Semaphore(8)

        async def attempt(a: Attempt) -> tuple[Attempt, httpx.Response]:
            async with gate:
                url = system.url(a.endpoint.service) + a.path
                params = {}
                if a.query:
                    params = {"manufacturer_id": a.victim.manufacturer_id}
                    params["owner"] = a.victim.manufacturer_id
                body = None
                if a.endpoint.method in ("POST", "PUT"):
                    body = body_for(a.victim, a.endpoint.path)
                # An Idempotency-Key on every request: a write must be refused for who
                # sends it, not for a missing header.
                headers = {**a.headers, "Idempotency-Key": uuid.uuid4().hex}
                for _ in range(RATE_LIMITED_RETRIES):
                    answer = await http.request(
                        a.endpoint.method, url, params=params, json=body, headers=headers
                    )
                    # The trader's key has a rate of its own (20/s): a client told to wait
                    # waits and asks again, and the answer judged is the one after.
                    if answer.status_code != 429 or "retry-after" not in answer.headers:
                        break
                    await asyncio.sleep(float(answer.headers["retry-after"]))
                return a, answer

        answers = await asyncio.gather(*(attempt(a) for a in attempts))

    failures = []
    statuses: Counter[tuple[str, int]] = Counter()
    for a, answer in answers:
        statuses[(a.who, answer.status_code)] += 1
        text = answer.text
        leaked = sorted(i for i in a.victim.ids() if i in text)
        shape_ok = False
        try:
            document = answer.json()
            shape_ok = isinstance(document, dict) and set(document) <= PROBLEM_KEYS
        except json.JSONDecodeError:
            pass
        if answer.status_code not in a.allowed or leaked or not shape_ok:
            failures.append(
                f"{a.who} {a.endpoint.method} {a.endpoint.service}{a.path} query={a.query}"
                f" -> {answer.status_code} leaked={leaked} {text[:160]}"
            )
    print(f"{len(answers)} cross-principal requests: {dict(sorted(statuses.items()))}")
    assert not failures, "\n".join(failures[:40])


def _attempts(
    found: list[Endpoint], parties: dict[str, Party], keys: dict[str, dict[str, str]]
) -> Iterator[Attempt]:
    refused = frozenset({401, 403, 404})
    strangers = {
        "nobody": {},
        "malformed": {"Authorization": "Bearer not-a-key"},
        "unissued": bearer(new_key()),
    }
    for me, other in itertools.permutations(MAKERS):
        victim = parties[other]
        for endpoint in found:
            if endpoint == OWN_IDENTITY:
                continue  # it names nobody and takes nothing: each key's own (tried above)
            for path in variants(endpoint, victim):
                # A manufacturer's key is not a trader's: the trader API does not know it.
                allowed = frozenset({401}) if endpoint.trader_route else frozenset({403, 404})
                yield Attempt(me, endpoint, path, keys[me], victim, allowed)
    for endpoint in found:
        for victim in parties.values():
            for path in variants(endpoint, victim):
                for name, headers in strangers.items():
                    yield Attempt(name, endpoint, path, headers, victim, frozenset({401}))
                if endpoint.trader_route:
                    # Another trader's legs are not found (its own lists are its own: not
                    # tried); an ops key is no trader key.
                    if names_victim(endpoint):
                        yield Attempt("trader", endpoint, path, keys["trader"], victim, refused)
                    yield Attempt(
                        "ops_read", endpoint, path, keys["ops_read"], victim, frozenset({401})
                    )
                else:
                    yield Attempt(
                        "trader", endpoint, path, keys["trader"], victim, frozenset({401})
                    )
                    if endpoint.method != "GET":
                        # Read-only ops change nothing: every write is forbidden.
                        yield Attempt(
                            "ops_read", endpoint, path, keys["ops_read"], victim, frozenset({403})
                        )


async def _accepted_everywhere(
    http: httpx.AsyncClient, system: System, keys: list[dict[str, str]]
) -> None:
    """Until every service has applied access's credential.issued for each key (ms to s)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    probes = {
        "demand": "/v1/demands/x/x",
        "sourcing": "/v1/orders/x",
        "inventory": "/v1/manufacturers/x/releases/x",
        "trader_gateway": "/v1/admin/performance",
        "access": "/v1/principals",
    }
    while True:
        statuses = [
            (await http.get(system.url(s) + path, headers=key)).status_code
            for s, path in probes.items()
            for key in keys
        ]
        if 401 not in statuses:
            return
        assert loop.time() < deadline, "keys not accepted everywhere within 30 s"
        await asyncio.sleep(0.2)
