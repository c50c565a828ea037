"""The demo: seed a small world, send demand, let simulated traders fill, release, and tell the story.

Everything goes through the system's own doors: the gateway's admin and trader
APIs, demand's and inventory's HTTP APIs, program commands on Kafka.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from shared import topics
from shared.contracts import PhaseSet
from vault.scenario import seed
from vault.scenario.actors import Manufacturer, Ops, Trader, Urls, _check, eventually

FINAL = ("filled", "expired")


@dataclass
class Confirmed:
    trader_id: str
    order_id: str
    leg_id: str
    mineral: str
    quantity: Decimal
    unit: str


@dataclass
class DemoResult:
    orders: dict[str, str] = field(default_factory=dict)  # request id -> order id
    fills: list[Confirmed] = field(default_factory=list)
    declined: list[str] = field(default_factory=list)  # leg ids
    release: dict[str, Any] = field(default_factory=dict)
    replenishment_order: str = ""
    stories: dict[str, dict[str, Any]] = field(default_factory=dict)
    holdings: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


class Demo:
    def __init__(
        self, urls: Urls, *, say: Callable[[str], None] = print, timeout_s: float = 90.0
    ) -> None:
        self.urls = urls
        self.say = say
        self.timeout_s = timeout_s
        self.result = DemoResult()
        self.traders: dict[str, Trader] = {}
        self.manufacturers = {d.manufacturer_id for d in seed.DEMANDS}

    async def run(self) -> DemoResult:
        started = time.monotonic()
        # Reads are made as the program admin; traders and manufacturers send their own keys.
        admin = {"Authorization": f"Bearer {self.urls.admin_token}"}
        async with httpx.AsyncClient(timeout=20, headers=admin) as http:
            ops = Ops(http, self.urls)
            await self._seed(http, ops)
            makers = {}
            for m in sorted(self.manufacturers):
                key = await ops.manufacturer_key(m) if self.urls.access else self.urls.admin_token
                makers[m] = Manufacturer(http, self.urls, m, key)
                self.say(f"manufacturer {m}: its own API key from access")
            for d in seed.DEMANDS:
                self.result.orders[d.request_id] = await makers[d.manufacturer_id].demand(
                    d.request_id, d.mineral, d.quantity, d.unit, d.max_unit_price
                )
                self.say(
                    f"demand   {d.manufacturer_id} {d.request_id}: {d.quantity} {d.unit} {d.mineral}"
                    f" -> order {self.result.orders[d.request_id]}"
                )
            await self._trade_until_final(http, list(self.result.orders.values()))
            await self._wait_booked(http)
            await self._release(http, makers)
            await self._trade_until_final(http, [self.result.replenishment_order])
            await self._wait_booked(http)
            await self._tell(http)
        self.result.seconds = round(time.monotonic() - started, 1)
        return self.result

    async def _seed(self, http: httpx.AsyncClient, ops: Ops) -> None:
        for mineral, phase in seed.PHASES:
            await ops.publish(
                PhaseSet(mineral=mineral, phase=phase, set_by="demo", reason="demo program")
            )
            self.say(f"phase    {mineral} -> {phase}")
        for t in seed.TRADERS:
            key = await ops.register_trader(t.trader_id, t.name, t.markets, t.rank)
            self.traders[t.trader_id] = Trader(http, self.urls, t.trader_id, key, t.country)
            self.say(
                f"trader   {t.trader_id} ({t.name}): markets {', '.join(t.markets)}, rank {t.rank}"
            )
        for warehouse in seed.WAREHOUSES:
            await ops.register_warehouse(*warehouse)
            self.say(f"warehouse {warehouse[0]} ({warehouse[2]}, {warehouse[3]})")
        for o in seed.OFFERS:
            await self.traders[o.trader_id].offer(
                o.mineral,
                o.origin_country,
                o.quantity,
                o.unit,
                o.unit_price,
                o.warehouse_id,
                o.available_in_days,
            )
            self.say(
                f"offer    {o.trader_id}: {o.quantity} {o.unit} {o.mineral} from {o.origin_country}"
                f" at {o.unit_price} USD/{o.unit}"
            )
        # Demand must meet a book that already has the offers, phases and traders.
        await eventually(
            lambda: ops.consumed(
                "sourcing", (topics.PROGRAM_PHASES, topics.PROGRAM_TRADERS, topics.TRADER_OFFERS)
            ),
            "sourcing to take in phases, traders and offers",
            self.timeout_s,
        )

    async def _order(self, http: httpx.AsyncClient, order_id: str) -> dict[str, Any] | None:
        answer = await http.get(f"{self.urls.sourcing}/v1/orders/{order_id}")
        return answer.json() if answer.status_code == 200 else None

    async def _trade_until_final(self, http: httpx.AsyncClient, order_ids: list[str]) -> None:
        loop_deadline = time.monotonic() + self.timeout_s
        while True:
            states = [await self._order(http, o) for o in order_ids]
            if all(s is not None and s["status"] in FINAL for s in states):
                return
            if time.monotonic() > loop_deadline:
                raise TimeoutError(f"orders not final: {[(s or {}).get('status') for s in states]}")
            for trader in self.traders.values():
                for leg in await trader.open_legs():
                    await self._act(trader, leg)
            await asyncio.sleep(0.5)

    async def _act(self, trader: Trader, leg: dict[str, Any]) -> None:
        remaining = Decimal(str(leg["remaining"]["amount"]))
        filled = Decimal(str(leg["filled"]["amount"]))
        share = seed.PARTIAL_THEN_DECLINE.get((trader.trader_id, leg["mineral"]))
        quantity = remaining
        if share is not None and filled == 0:
            quantity = (Decimal(str(leg["quantity"]["amount"])) * Decimal(share)).quantize(
                Decimal("0.001")
            )
        if quantity > 0:
            await trader.fill(leg, quantity)
            self.result.fills.append(
                Confirmed(
                    trader.trader_id,
                    leg["order_id"],
                    leg["leg_id"],
                    leg["mineral"],
                    quantity,
                    leg["quantity"]["unit"],
                )
            )
            self.say(
                f"fill     {trader.trader_id} confirms {quantity} {leg['quantity']['unit']} {leg['mineral']}"
                f" on {leg['leg_id']}"
            )
        if quantity < remaining:
            await trader.decline_rest(leg["leg_id"], "cannot ship the rest before the deadline")
            self.result.declined.append(leg["leg_id"])
            self.say(
                f"decline  {trader.trader_id} declines the remaining {remaining - quantity} on {leg['leg_id']}"
            )

    async def _wait_booked(self, http: httpx.AsyncClient) -> None:
        """Until inventory holds every confirmed fill minus what was released."""

        async def booked() -> bool:
            rows = await self._holdings(http)
            held: dict[str, Decimal] = {}
            for row in rows:
                if row["owner"] not in self.manufacturers:
                    continue  # material others hold is not part of this story
                held[row["mineral"]] = held.get(row["mineral"], Decimal(0)) + Decimal(
                    str(row["quantity"])
                )
            return held == self.expected_holdings()

        await eventually(booked, "inventory to book every fill", self.timeout_s)

    def expected_holdings(self) -> dict[str, Decimal]:
        expected: dict[str, Decimal] = {}
        for fill in self.result.fills:
            expected[fill.mineral] = expected.get(fill.mineral, Decimal(0)) + fill.quantity
        if self.result.release:
            mineral = self.result.release["mineral"]
            expected[mineral] -= Decimal(str(self.result.release["quantity"]))
        return {m: q for m, q in expected.items() if q}

    async def _holdings(self, http: httpx.AsyncClient) -> list[dict[str, Any]]:
        answer = _check(
            await http.get(
                f"{self.urls.inventory}/v1/holdings",
                params={"group_by": "warehouse,tier,origin_country,owner"},
            ),
            200,
        )
        return list(answer["holdings"])

    async def _release(self, http: httpx.AsyncClient, makers: dict[str, Manufacturer]) -> None:
        manufacturer, mineral, quantity = seed.RELEASE
        self.result.release = await makers[manufacturer].release(mineral, quantity)
        release_id = self.result.release["release_id"]
        request_id = self.result.release["replenishment"]["request_id"]
        self.say(
            f"release  {manufacturer} draws {quantity} of {mineral}; replenishment {request_id} follows"
        )

        async def replenishment_order() -> dict[str, Any] | None:
            answer = await http.get(
                f"{self.urls.demand}/v1/replenishments/{manufacturer}/{release_id}"
            )
            return dict(answer.json()) if answer.status_code == 200 else None

        ordered = await eventually(
            replenishment_order, "the replenishment to become an order", self.timeout_s
        )
        self.result.replenishment_order = str(ordered["order_id"])
        self.result.orders[request_id] = self.result.replenishment_order
        self.say(
            f"replenish {self.result.replenishment_order}: {quantity} {mineral}, limit price"
            f" {ordered['limit_price']} (the dearest lot drawn plus headroom)"
        )

    async def _tell(self, http: httpx.AsyncClient) -> None:
        self.say("\n=== the story of each order ===")
        for request_id, order_id in self.result.orders.items():
            story = await self._order(http, order_id) or {}
            self.result.stories[order_id] = story
            self.say(
                f"{order_id} ({story.get('manufacturer_id')} {request_id}, {story.get('kind')}): "
                f"{story.get('quantity')} {story.get('unit')} {story.get('mineral')} -> {story.get('status')},"
                f" filled {story.get('filled')}"
            )
            for leg in story.get("legs", []):
                cascade = (
                    f", cascaded from {leg['cascaded_from']}" if leg.get("cascaded_from") else ""
                )
                self.say(
                    f"    leg {leg['leg_id']}: {leg['trader_id']} {leg.get('tier') or 'mandate'}"
                    f" {leg.get('origin_country') or ''} {leg['quantity']} at {leg['unit_price']},"
                    f" filled {leg['filled']}, {leg['status']} ({leg['phase']}{cascade})"
                )
            summary = story.get("explanation", {}).get("summary")
            if summary:
                self.say(f"    why: {summary}")
        self.result.holdings = await self._holdings(http)
        self.say("\n=== holdings ===")
        for row in self.result.holdings:
            self.say(
                f"{row['mineral']:<10} {row['quantity']:>10} {row['unit']:<3} {row.get('tier', ''):<9}"
                f" {row.get('origin_country', ''):<3} {row.get('warehouse_id', ''):<16} owner {row.get('owner')}"
            )
