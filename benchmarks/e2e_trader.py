"""The trader of an end-to-end run, through the gateway's API: its world, and its desk.

``bench_world`` registers a trading house (rank 1 in lithium's market) with several
API keys, a warehouse at inventory, and one offer big enough for every order; it
withdraws the offer and retires the trader afterwards, so later runs meet neither.
``TraderDesk`` lists the trader's active legs and fills each once, by itself or in
batches, spreading calls over the keys (the gateway limits each key's rate).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import sys
import time
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from benchmarks.e2e_orders import MINERAL, BenchError

ORIGIN = "US"  # domestic: first in replenishment, and the cheapest offer in initial fill
OFFER_PRICE = Decimal(5000)  # USD/t, below every offer the demo publishes
WAREHOUSE = {
    "warehouse_id": "wh-bench-us",
    "name": "Vault bench store",
    "kind": "owned",
    "location": "Newark, NJ, US",
    "operator": "Vault program",
}
HTTP_ATTEMPTS = 50
UNREACHABLE_PATIENCE_S = 300.0


@dataclass(frozen=True)
class Doors:
    """Where the trader and ops knock: the gateway, inventory, and the admin token."""

    gateway: str
    inventory: str
    admin_token: str


@dataclass(frozen=True)
class GatewayShape:
    """What this gateway's OpenAPI document says about listing legs and batching fills."""

    legs_wait: bool = False
    page_limit: int = 100
    batch_limit: int = 100

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> GatewayShape:
        listing = document.get("paths", {}).get("/v1/legs", {}).get("get", {})
        params = {p["name"]: p.get("schema", {}) for p in listing.get("parameters", [])}
        batch = document.get("components", {}).get("schemas", {}).get("BatchRequest", {})
        fills = batch.get("properties", {}).get("fills", {})
        return cls(
            legs_wait="wait" in params,
            page_limit=int(params.get("limit", {}).get("maximum", cls.page_limit)),
            batch_limit=int(fills.get("maxItems", cls.batch_limit)),
        )


class TraderClient:
    """The trader's HTTP calls, spread over its API keys; waits out 429s, retries 5xx."""

    def __init__(self, http: httpx.AsyncClient, base: str, keys: Sequence[str]) -> None:
        self.http = http
        self.base = base
        self._keys = itertools.cycle(keys)
        self.requests = 0
        self.rate_limited = 0
        self.retried = 0

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        write: bool = False,
    ) -> httpx.Response:
        idempotency_key = uuid.uuid4().hex  # the same on every retry of this call
        unreachable_until = time.monotonic() + UNREACHABLE_PATIENCE_S
        attempts = 0
        while attempts < HTTP_ATTEMPTS:
            headers = {"Authorization": f"Bearer {next(self._keys)}"}
            if write:
                headers["Idempotency-Key"] = idempotency_key
            self.requests += 1
            try:
                answer = await self.http.request(
                    method, self.base + path, json=body, params=params, headers=headers
                )
            except httpx.TransportError:
                # The gateway is down (an outage run): wait for it rather than give up.
                self.retried += 1
                if time.monotonic() > unreachable_until:
                    raise BenchError(f"{method} {path}: gateway unreachable") from None
                await asyncio.sleep(0.2)
                continue
            attempts += 1
            if answer.status_code == 429:
                self.rate_limited += 1
                await asyncio.sleep(float(answer.headers.get("Retry-After", "1")))
                continue
            if answer.status_code >= 500:
                self.retried += 1
                await asyncio.sleep(0.2)
                continue
            return answer
        raise BenchError(f"{method} {path}: no answer after {HTTP_ATTEMPTS} attempts")


def plain(value: object) -> str:
    return format(Decimal(str(value)), "f")


def fill_body(leg: Mapping[str, Any]) -> dict[str, Any]:
    """Confirm all that is left of the leg, at our offer's price (or its limit, if lower)."""
    unit = leg["remaining"]["unit"]
    price = OFFER_PRICE
    if leg.get("limit_price"):
        price = min(price, Decimal(str(leg["limit_price"]["amount"])))
    return {
        "mineral": leg["mineral"],
        "quantity": {"amount": plain(leg["remaining"]["amount"]), "unit": unit},
        "unit_price": {"amount": plain(price), "currency": "USD", "per": unit},
        "origin_country": leg.get("origin_country") or ORIGIN,
        "warehouse_id": leg.get("warehouse_id") or WAREHOUSE["warehouse_id"],
        "lot_reference": f"lot-{uuid.uuid4().hex}",
        "filled_at": datetime.now(UTC).isoformat(),
    }


@dataclass
class DeskCounts:
    listings: int = 0
    fills_booked: int = 0
    fills_refused: int = 0
    last_refusal: str = ""


class TraderDesk:
    """Lists the trader's active legs and fills each one once, by itself or in batches."""

    def __init__(
        self,
        client: TraderClient,
        shape: GatewayShape,
        *,
        batch: bool,
        concurrency: int,
        poll_s: float,
        legs_wait_s: float | None,
    ) -> None:
        self.client = client
        self.shape = shape
        self.batch = batch
        self.concurrency = concurrency
        self.poll_s = poll_s
        self.legs_wait_s = legs_wait_s if shape.legs_wait else None
        self.counts = DeskCounts()
        self._claimed: set[str] = set()
        self._work: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._list_forever())]
        self._tasks += [asyncio.create_task(self._fill_forever()) for _ in range(self.concurrency)]

    def check(self) -> None:
        """Raise what stopped the listing or a filler, if anything did."""
        for task in self._tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise BenchError(f"trader desk failed: {task.exception()!r}")

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        results = await asyncio.gather(*self._tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                raise result

    async def active_legs(self) -> list[dict[str, Any]]:
        legs: list[dict[str, Any]] = []
        params = {"status": "active", "limit": str(self.shape.page_limit)}
        if self.legs_wait_s is not None:
            params["wait"] = str(self.legs_wait_s)
        while True:
            answer = await self.client.call("GET", "/v1/legs", params=params)
            self.counts.listings += 1
            if answer.status_code != 200:
                raise BenchError(f"GET /v1/legs -> {answer.status_code}: {answer.text}")
            page = answer.json()
            legs += page["items"]
            if not page.get("next_cursor"):
                return legs
            params = {**params, "cursor": page["next_cursor"]}
            params.pop("wait", None)  # only the first page waits for news

    async def _list_forever(self) -> None:
        size = self.shape.batch_limit if self.batch else 1
        while True:
            fresh = [leg for leg in await self.active_legs() if leg["leg_id"] not in self._claimed]
            self._claimed.update(leg["leg_id"] for leg in fresh)
            for start in range(0, len(fresh), size):
                self._work.put_nowait(fresh[start : start + size])
            if not fresh or self.legs_wait_s is None:
                await asyncio.sleep(self.poll_s)

    async def _fill_forever(self) -> None:
        while True:
            legs = await self._work.get()
            if self.batch:
                await self._fill_batch(legs)
            else:
                await self._fill_one(legs[0])

    async def _fill_one(self, leg: Mapping[str, Any]) -> None:
        answer = await self.client.call(
            "POST", f"/v1/legs/{leg['leg_id']}/fills", body=fill_body(leg), write=True
        )
        if answer.status_code == 201:
            self.counts.fills_booked += 1
        else:
            self._refused(1, f"{answer.status_code}: {answer.text[:300]}")

    async def _fill_batch(self, legs: Sequence[Mapping[str, Any]]) -> None:
        items = [{"leg_id": leg["leg_id"], **fill_body(leg)} for leg in legs]
        answer = await self.client.call(
            "POST", "/v1/fills/batch", body={"fills": items}, write=True
        )
        if answer.status_code != 200:
            self._refused(len(items), f"{answer.status_code}: {answer.text[:300]}")
            return
        outcome = answer.json()
        self.counts.fills_booked += int(outcome["accepted"])
        if outcome["refused"]:
            problems = [r.get("problem") for r in outcome["results"] if r.get("problem")]
            self._refused(int(outcome["refused"]), json.dumps(problems[:1])[:300])

    def _refused(self, count: int, why: str) -> None:
        self.counts.fills_refused += count
        self.counts.last_refusal = why


@dataclass(frozen=True)
class BenchWorld:
    trader_id: str
    manufacturer_id: str
    keys: tuple[str, ...]
    offer_id: str


def expect(answer: httpx.Response, *statuses: int) -> Any:
    if answer.status_code not in statuses:
        raise BenchError(
            f"{answer.request.method} {answer.request.url} -> {answer.status_code}: {answer.text}"
        )
    return answer.json() if answer.content else None


def trader_terms(run_id: str, *, active: bool = True) -> dict[str, Any]:
    return {
        "name": f"Bench trader {run_id}",
        "markets": [MINERAL],
        "rank": 1,
        "capacity": "1000000000",
        "exposure_limit_usd": "100000000000",
        "active": active,
    }


def offer_terms(quantity: int) -> dict[str, Any]:
    return {
        "mineral": MINERAL,
        "origin_country": ORIGIN,
        "quantity": {"amount": str(quantity), "unit": "t"},
        "unit_price": {"amount": plain(OFFER_PRICE), "currency": "USD", "per": "t"},
        "warehouse_id": WAREHOUSE["warehouse_id"],
        "available_on": date.today().isoformat(),
        "valid_until": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
    }


async def open_world(
    http: httpx.AsyncClient, doors: Doors, *, keys: int, quantity: int
) -> BenchWorld:
    run_id = uuid.uuid4().hex[:10]
    trader_id = f"bench-trader-{run_id}"
    admin = {"Authorization": f"Bearer {doors.admin_token}"}
    trader_url = f"{doors.gateway}/v1/admin/traders/{trader_id}"
    expect(await http.put(trader_url, json=trader_terms(run_id), headers=admin), 200, 201)
    issued = [
        expect(await http.post(f"{trader_url}/keys", json={}, headers=admin), 201)["api_key"]
        for _ in range(keys)
    ]
    expect(
        await http.post(f"{doors.inventory}/v1/warehouses", json=WAREHOUSE, headers=admin),
        200,
        201,
    )
    offer = expect(
        await http.post(
            f"{doors.gateway}/v1/offers",
            json=offer_terms(quantity),
            headers={"Authorization": f"Bearer {issued[0]}", "Idempotency-Key": uuid.uuid4().hex},
        ),
        201,
    )
    return BenchWorld(trader_id, f"bench-maker-{run_id}", tuple(issued), offer["offer_id"])


async def close_world(http: httpx.AsyncClient, doors: Doors, world: BenchWorld) -> None:
    """Withdraw what is left of the offer and retire the trader, so later runs meet neither."""
    await http.delete(
        f"{doors.gateway}/v1/offers/{world.offer_id}",
        headers={"Authorization": f"Bearer {world.keys[0]}", "Idempotency-Key": uuid.uuid4().hex},
    )
    run_id = world.trader_id.removeprefix("bench-trader-")
    await http.put(
        f"{doors.gateway}/v1/admin/traders/{world.trader_id}",
        json=trader_terms(run_id, active=False),
        headers={"Authorization": f"Bearer {doors.admin_token}"},
    )


@contextlib.asynccontextmanager
async def bench_world(
    http: httpx.AsyncClient, doors: Doors, *, keys: int, quantity: int
) -> AsyncIterator[BenchWorld]:
    world = await open_world(http, doors, keys=keys, quantity=quantity)
    try:
        yield world
    finally:
        await close_world(http, doors, world)


@contextlib.asynccontextmanager
async def trading(desk: TraderDesk) -> AsyncIterator[TraderDesk]:
    desk.start()
    try:
        yield desk
    finally:
        await desk.stop()


async def gateway_shape(http: httpx.AsyncClient, doors: Doors, legs_wait: bool) -> GatewayShape:
    shape = GatewayShape.of(expect(await http.get(f"{doors.gateway}/v1/openapi.json"), 200))
    if legs_wait and not shape.legs_wait:
        print("note: this gateway offers no long-poll on /v1/legs; polling", file=sys.stderr)
    return shape
