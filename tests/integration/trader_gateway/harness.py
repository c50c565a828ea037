"""Drives the gateway as its users do: sourcing's events in, traders' HTTP calls, events out."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import FastAPI

from shared import topics
from shared.codec import encode
from shared.contracts import LegCancelRequested, LegRouted
from shared.envelope import new_event
from shared.service import Service
from tests.support.access import ADMIN_KEY
from tests.support.waiting import eventually

# A program admin's key (from access in a deployment; its hash seeded here at start-up).
ADMIN_TOKEN = ADMIN_KEY


def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def trader_headers(key: str, idempotency_key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {key}"}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    return headers


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@dataclass
class Recorder:
    """Everything published on the gateway's output topics this session, by topic and key."""

    bootstrap: str
    records: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None
    _consumer: AIOKafkaConsumer | None = None

    async def start(self, names: list[str]) -> None:
        self._consumer = AIOKafkaConsumer(
            *names,
            bootstrap_servers=self.bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            group_id=None,
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        assert self._consumer is not None
        while True:
            batch = await self._consumer.getmany(timeout_ms=200)
            for messages in batch.values():
                for m in messages:
                    key = m.key.decode() if m.key else ""
                    self.records.append((m.topic, key, json.loads(m.value)))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._consumer is not None:
            await self._consumer.stop()

    def of(self, topic: str, key: str) -> list[dict[str, Any]]:
        return [event for t, k, event in self.records if t == topic and k == key]

    async def wait_for(
        self, topic: str, key: str, count: int, *, timeout_s: float = 20.0
    ) -> list[dict[str, Any]]:
        async def enough() -> bool:
            return len(self.of(topic, key)) >= count

        await eventually(enough, timeout_s=timeout_s, what=f"{count} events on {topic} for {key}")
        return self.of(topic, key)


@dataclass
class Gateway:
    service: Service
    api: FastAPI
    client: httpx.AsyncClient
    producer: AIOKafkaProducer
    recorder: Recorder
    default_markets: tuple[str, ...] = ("cobalt", "battery_metals")

    @property
    def pool(self) -> asyncpg.Pool:
        return self.service.pool

    async def register_trader(
        self, markets: tuple[str, ...] | None = None, trader_id: str | None = None
    ) -> tuple[str, str]:
        """A new trading house and its first key."""
        trader_id = trader_id or unique("trader")
        body = {
            "name": f"Trading house {trader_id}",
            "markets": list(markets or self.default_markets),
            "rank": 1,
            "capacity": "5000",
            "exposure_limit_usd": "250000000",
        }
        made = await self.client.put(
            f"/v1/admin/traders/{trader_id}", json=body, headers=admin_headers()
        )
        assert made.status_code == 201, made.text
        issued = await self.client.post(
            f"/v1/admin/traders/{trader_id}/keys", json={}, headers=admin_headers()
        )
        assert issued.status_code == 201, issued.text
        return trader_id, str(issued.json()["api_key"])

    async def route_leg(
        self,
        trader_id: str,
        *,
        quantity: str = "100",
        unit: str = "t",
        limit: str | None = "33000",
        deadline: datetime | None = None,
        mineral: str = "cobalt",
        market: str = "cobalt",
        kind: str = "mandate",
        offer_id: str | None = None,
        origin_country: str | None = None,
        excluded_origins: tuple[str, ...] = (),
        phase: str = "replenishment",
    ) -> LegRouted:
        """Sourcing routes a leg to the trader; returns once the gateway has stored it
        (open; or, when its deadline has passed, however the expiry sweep left it)."""
        routed = LegRouted.model_validate(
            {
                "leg_id": unique("leg"),
                "order_id": unique("order"),
                "trader_id": trader_id,
                "manufacturer_id": "mfr-tesla-nv",
                "mineral": mineral,
                "market": market,
                "quantity": {"amount": quantity, "unit": unit},
                "limit_price": None if limit is None else {"amount": limit, "per": unit},
                "deadline": deadline or datetime.now(UTC) + timedelta(days=2),
                "kind": kind,
                "offer_id": offer_id,
                "origin_country": origin_country,
                "excluded_origins": list(excluded_origins),
                "tier_preference": ["domestic", "allied"] if kind == "mandate" else [],
                "phase": phase,
                "policy_version": "policy-2026-03",
            }
        )
        await self._send(
            routed.order_id,
            new_event(routed, key=routed.order_id, producer="sourcing"),
        )
        overdue = routed.deadline < datetime.now(UTC)
        await self.wait_for_leg(routed.leg_id, None if overdue else "open")
        return routed

    async def cancel_leg(self, routed: LegRouted) -> None:
        cancelled = LegCancelRequested(
            leg_id=routed.leg_id,
            order_id=routed.order_id,
            trader_id=routed.trader_id,
            reason="order closed by manufacturer",
        )
        event = new_event(cancelled, key=routed.order_id, producer="sourcing")
        await self._send(routed.order_id, event)
        await self.wait_for_leg(routed.leg_id, "cancelled")

    async def _send(self, key: str, event: Any) -> None:
        await self.producer.send_and_wait(topics.SOURCING_LEGS, encode(event), key=key.encode())

    async def wait_for_leg(self, leg_id: str, status: str | None) -> None:
        """Until the leg is stored (with ``status``, unless None)."""

        async def stored() -> bool:
            found = await self.pool.fetchval("SELECT status FROM legs WHERE leg_id = $1", leg_id)
            return found is not None and (status is None or found == status)

        await eventually(stored, timeout_s=30, what=f"leg {leg_id} {status or 'stored'}")

    async def outbox(self, key: str) -> list[str]:
        """Types of the events the gateway committed to emit under ``key``."""
        rows = await self.pool.fetch(
            "SELECT headers->>'event_type' AS type FROM outbox WHERE key = $1 ORDER BY id", key
        )
        return [row["type"] for row in rows]


def fill_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "mineral": "cobalt",
        "quantity": {"amount": "40", "unit": "t"},
        "unit_price": {"amount": "32500.00", "currency": "USD", "per": "t"},
        "origin_country": "AU",
        "warehouse_id": "wh-rotterdam-3",
        "lot_reference": "LOT-2026-0042",
        # Now: a fill can be neither later than now nor earlier than the leg's routing.
        "filled_at": datetime.now(UTC).isoformat(),
    }
    body.update(changes)
    return body


def offer_body(**changes: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "mineral": "cobalt",
        "origin_country": "CA",
        "quantity": {"amount": "250", "unit": "t"},
        "unit_price": {"amount": "31800.50", "per": "t"},
        "warehouse_id": "wh-antwerp-1",
        "available_on": (now + timedelta(days=7)).date().isoformat(),
        "valid_until": (now + timedelta(days=30)).isoformat(),
    }
    body.update(changes)
    return body
