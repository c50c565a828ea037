"""The interleaving workload: orders in, traders acting on every leg at random, replicas killed.

Driven only from outside, as the system's users drive it: demand over HTTP, traders
through the gateway's API (each request sent to either replica; one that does not
answer is sent again, with the same ``Idempotency-Key``, to the other), ops through
the admin API and the program topic. Every leg gets a plan drawn from its own seeded
generator (so a seed fixes the plans, the interleaving is the machine's): filled
whole, in part then declined, in part then left to expire, declined at once, left
alone, filled at the deadline (racing the expiry sweep), filled three times at once
(only one can fit), filled while declined. Some fills name an origin the leg cannot
take. Once enough legs were seen, orders stop; cascades end when a leg is filled or
every specialist has failed the order, and the system falls quiet.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

import httpx

from shared.contracts import PhaseSet
from shared.reconciliation import Services, collect, reconcile
from tests.jepsen.history import DeclineAttempt, FillAttempt, History, LegSeen
from vault.scenario.actors import Ops, Urls

STEP = Decimal("0.001")
OPEN = ("open", "partially_filled")


@dataclass(frozen=True)
class Market:
    mineral: str
    phase: str
    price: Decimal  # the orders' limit
    origins: tuple[str, ...]  # origins the phase allows
    wrong: str  # an origin it excludes


MARKETS = (
    Market("cobalt", "replenishment", Decimal(50000), ("US", "AU", "CA"), "RU"),
    Market("lithium", "initial_fill", Decimal(20000), ("AU", "CL", "CN"), "KP"),
)
TRADERS = ("jep-alpha", "jep-bravo", "jep-charlie", "jep-delta")
WAREHOUSES = ("wh-jep-1", "wh-jep-2")
PLANS = (
    ("fill_all", 22),
    ("partial_then_decline", 14),
    ("partials_then_expire", 12),
    ("decline", 10),
    ("ignore", 10),
    ("at_deadline", 14),
    ("concurrent_fills", 8),
    ("fill_races_decline", 10),
)


@dataclass(frozen=True)
class Config:
    seed: int
    legs: int
    leg_ttl_s: float
    order_rate_per_s: float = 12.0
    kills: int = 2


class Replicas:
    """HTTP to any replica of a service, sent again elsewhere until one answers for sure."""

    def __init__(self, http: httpx.AsyncClient, urls: Sequence[str], rng: random.Random) -> None:
        self.http, self.urls, self.rng = http, list(urls), rng

    async def send(
        self, method: str, path: str, *, timeout_s: float = 90, **kwargs: Any
    ) -> httpx.Response | None:
        deadline = time.monotonic() + timeout_s
        first = self.rng.randrange(len(self.urls))
        attempt = 0
        while True:
            url = self.urls[(first + attempt) % len(self.urls)]
            try:
                answer = await self.http.request(method, url + path, **kwargs)
                if answer.status_code < 500:
                    return answer
            except httpx.TransportError:
                pass
            attempt += 1
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(min(0.1 * attempt, 1.0))


@dataclass
class Workload:
    config: Config
    urls: Urls
    gateway_urls: Sequence[str]
    demand_urls: Sequence[str]
    services: Services
    chaos: Callable[[int], Awaitable[str]]
    history: History = field(init=False)
    keys: dict[str, str] = field(default_factory=dict)
    draining: bool = False
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.history = History(self.config.seed)
        self.rng = random.Random(self.config.seed)

    # -- setup ------------------------------------------------------------------------------

    async def seed_world(self, http: httpx.AsyncClient) -> None:
        ops = Ops(http, self.urls)
        markets = tuple(m.mineral for m in MARKETS)  # each mineral is its own market here
        for rank, trader in enumerate(TRADERS, start=1):
            self.keys[trader] = await ops.register_trader(trader, trader, markets, rank)
        for warehouse in WAREHOUSES:
            await ops.register_warehouse(warehouse, warehouse, "owned", "Reno, NV, US", "Vault")
        for market in MARKETS:
            await ops.publish(
                PhaseSet.model_validate(
                    {"mineral": market.mineral, "phase": market.phase, "set_by": "jepsen"}
                )
            )

    # -- the run ----------------------------------------------------------------------------

    async def run(self) -> History:
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=30) as http:
            await self.seed_world(http)
            self.gateways = Replicas(http, self.gateway_urls, self.rng)
            self.demands = Replicas(http, self.demand_urls, self.rng)
            pollers = [asyncio.create_task(self._poll(trader)) for trader in TRADERS]
            orders = asyncio.create_task(self._orders())
            chaos = asyncio.create_task(self._chaos())
            await orders
            self.history.timings_s["orders_done"] = round(time.monotonic() - started, 1)
            await chaos
            await self._drain(http)
            self.history.timings_s["quiet"] = round(time.monotonic() - started, 1)
            self._stop.set()
            await asyncio.gather(*pollers)
        self.history.timings_s["workload"] = round(time.monotonic() - started, 1)
        return self.history

    async def _orders(self) -> None:
        n = 0
        while len(self.history.legs) < self.config.legs:
            market = MARKETS[n % len(MARKETS)]
            quantity = Decimal(self.rng.randint(5, 60))
            body = {
                "manufacturer_id": f"jep-maker-{n % 5}",
                "request_id": f"jep-{self.config.seed}-{n}",
                "mineral": market.mineral,
                "quantity": str(quantity),
                "unit": "t",
                "max_unit_price": str(market.price),
                "deliver_by": (date.today() + timedelta(days=30)).isoformat(),
            }
            # The program admin submits on the manufacturer's behalf (access is not running).
            admin = {"Authorization": f"Bearer {self.urls.admin_token}"}
            answer = await self.demands.send("POST", "/v1/demands", json=body, headers=admin)
            if answer is not None and answer.status_code == 202:
                self.history.orders[answer.json()["order_id"]] = quantity
            n += 1
            await asyncio.sleep(1 / self.config.order_rate_per_s)
        self.draining = True

    async def _chaos(self) -> None:
        for kill in range(self.config.kills):
            at = self.config.legs * (kill + 1) / (self.config.kills + 2)
            while len(self.history.legs) < at and not self.draining:
                await asyncio.sleep(0.2)
            self.history.chaos.append(await self.chaos(kill))

    async def _drain(self, http: httpx.AsyncClient, timeout_s: float = 150) -> None:
        """Until quiet: every plan done, every order placed, no leg open at the gateway,
        and the services agreeing (so no event of a leg is still on its way)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            busy = [t for t in self._tasks if not t.done()]
            if not busy:
                facts = await collect(http, self.services)
                placed = {o.order_id for o in facts.sourcing_orders}
                open_legs = [g for g in facts.gateway_legs if g.status in OPEN]
                if (
                    not facts.unreachable
                    and self.history.orders.keys() <= placed
                    and not open_legs
                    and reconcile(facts).agrees
                ):
                    return
            await asyncio.sleep(1.0)
        self.history.chaos.append(f"did not fall quiet within {timeout_s:.0f}s")

    # -- traders ----------------------------------------------------------------------------

    async def _active(self, trader: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            params = {"status": "active", "limit": "200", **({"cursor": cursor} if cursor else {})}
            answer = await self.gateways.send(
                "GET", "/v1/legs", params=params, headers=self._auth(trader)
            )
            if answer is None or answer.status_code != 200:
                return items
            page = answer.json()
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items

    async def _poll(self, trader: str) -> None:
        while not self._stop.is_set():
            for leg in await self._active(trader):
                if leg["leg_id"] not in self.history.legs:
                    self._adopt(trader, leg)
            await asyncio.sleep(0.4)

    def _adopt(self, trader: str, leg: dict[str, Any]) -> None:
        rng = random.Random(f"{self.config.seed}:{leg['leg_id']}")
        plan = _draw(rng)
        seen = LegSeen(
            leg_id=leg["leg_id"],
            order_id=leg["order_id"],
            trader_id=trader,
            mineral=leg["mineral"],
            quantity=Decimal(leg["quantity"]["amount"]),
            deadline=datetime.fromisoformat(leg["deadline"]),
            plan=plan,
        )
        self.history.legs[seen.leg_id] = seen
        task = asyncio.create_task(self._act(seen, Decimal(leg["remaining"]["amount"]), rng))
        self._tasks.add(task)

    async def _act(self, leg: LegSeen, remaining: Decimal, rng: random.Random) -> None:
        ttl = self.config.leg_ttl_s
        market = next(m for m in MARKETS if m.mineral == leg.mineral)
        if rng.random() < 0.1:
            await self._fill(leg, _part(remaining, rng, 0.5), market.wrong, rng, wrong=True)
        match leg.plan:
            case "fill_all":
                await _wait(rng.uniform(0.0, 0.4) * ttl)
                await self._fill(leg, remaining, rng.choice(market.origins), rng)
            case "partial_then_decline":
                await _wait(rng.uniform(0.05, 0.4) * ttl)
                await self._fill(leg, _part(remaining, rng, 0.8), rng.choice(market.origins), rng)
                await _wait(rng.uniform(0.0, 0.2) * ttl)
                await self._decline(leg)
            case "partials_then_expire":
                left = remaining
                for _ in range(rng.randint(1, 3)):
                    await _wait(rng.uniform(0.05, 0.25) * ttl)
                    piece = _part(left, rng, 0.4)
                    if await self._fill(leg, piece, rng.choice(market.origins), rng):
                        left -= piece
            case "decline":
                await _wait(rng.uniform(0.0, 0.5) * ttl)
                await self._decline(leg)
            case "at_deadline":
                for _ in range(rng.randint(1, 2)):
                    at = (leg.deadline - datetime.now(UTC)).total_seconds() + rng.uniform(-0.3, 0.3)
                    self._spawn(self._fill_at(leg, at, _part(remaining, rng, 0.5), market, rng))
            case "concurrent_fills":
                await _wait(rng.uniform(0.05, 0.4) * ttl)
                await asyncio.gather(
                    *(self._fill(leg, remaining, rng.choice(market.origins), rng) for _ in range(3))
                )
            case "fill_races_decline":
                await _wait(rng.uniform(0.05, 0.4) * ttl)
                await asyncio.gather(
                    self._fill(leg, _part(remaining, rng, 0.7), rng.choice(market.origins), rng),
                    self._decline(leg),
                )
            case _:
                pass  # ignore: the sweep expires it

    def _spawn(self, work: Awaitable[None]) -> None:
        async def run() -> None:
            await work

        self._tasks.add(asyncio.create_task(run()))

    async def _fill_at(
        self, leg: LegSeen, delay: float, quantity: Decimal, market: Market, rng: random.Random
    ) -> None:
        await _wait(delay)
        await self._fill(leg, quantity, rng.choice(market.origins), rng)

    async def _fill(
        self,
        leg: LegSeen,
        quantity: Decimal,
        origin: str,
        rng: random.Random,
        *,
        wrong: bool = False,
    ) -> bool:
        if quantity <= 0:
            return False
        sent_at = datetime.now(UTC)
        body = {
            "mineral": leg.mineral,
            "quantity": {"amount": format(quantity, "f"), "unit": "t"},
            "unit_price": {"amount": "1000", "currency": "USD", "per": "t"},
            "origin_country": origin,
            "warehouse_id": rng.choice(WAREHOUSES),
            "lot_reference": f"lot-{uuid.uuid4().hex[:10]}",
            "filled_at": sent_at.isoformat(),
        }
        answer = await self.gateways.send(
            "POST",
            f"/v1/legs/{leg.leg_id}/fills",
            json=body,
            headers={**self._auth(leg.trader_id), "Idempotency-Key": uuid.uuid4().hex},
        )
        status = None if answer is None else answer.status_code
        document = {} if answer is None else answer.json()
        self.history.fills.append(
            FillAttempt(
                leg_id=leg.leg_id,
                order_id=leg.order_id,
                plan=leg.plan,
                quantity=quantity,
                origin=origin,
                wrong_origin=wrong,
                status=status,
                code=document.get("code"),
                fill_id=document.get("fill_id") if status == 201 else None,
                sent_at=sent_at,
            )
        )
        return status == 201

    async def _decline(self, leg: LegSeen) -> None:
        answer = await self.gateways.send(
            "POST",
            f"/v1/legs/{leg.leg_id}/decline",
            json={"reason": "the interleaving test declines the rest"},
            headers={**self._auth(leg.trader_id), "Idempotency-Key": uuid.uuid4().hex},
        )
        status = None if answer is None else answer.status_code
        document = {} if answer is None else answer.json()
        declined = document.get("declined", {}).get("amount") if status == 200 else None
        self.history.declines.append(
            DeclineAttempt(
                leg_id=leg.leg_id,
                order_id=leg.order_id,
                plan=leg.plan,
                status=status,
                code=document.get("code"),
                declined=None if declined is None else Decimal(declined),
            )
        )

    def _auth(self, trader: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[trader]}"}


def _draw(rng: random.Random) -> str:
    names, weights = zip(*PLANS, strict=True)
    return str(rng.choices(names, weights=weights)[0])


def _part(of: Decimal, rng: random.Random, up_to: float) -> Decimal:
    """A random part of ``of`` (at most ``up_to`` of it), in thousandths of a tonne."""
    part = (of * Decimal(str(rng.uniform(0.1, up_to)))).quantize(STEP, rounding=ROUND_DOWN)
    return max(part, min(of, STEP))


async def _wait(seconds: float) -> None:
    if seconds > 0:
        await asyncio.sleep(seconds)
