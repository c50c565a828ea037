"""Building fills as sourcing sends them, putting them on the broker, reading what came out."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared import topics
from shared.codec import encode
from shared.contracts import FillRecorded
from shared.db import Connection
from shared.envelope import Envelope, new_event
from tests.support.waiting import eventually

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def fill_recorded(
    *,
    manufacturer_id: str,
    warehouse_id: str,
    quantity: str = "10",
    mineral: str = "cobalt",
    unit: str = "t",
    hours: int = 0,
    fill_id: str | None = None,
    order_id: str | None = None,
    origin_country: str = "US",
    tier: str = "domestic",
) -> Envelope[FillRecorded]:
    order_id = order_id or uid("order")
    fill = FillRecorded.model_validate(
        {
            "fill_id": fill_id or uid("fill"),
            "leg_id": uid("leg"),
            "order_id": order_id,
            "trader_id": "trader-a",
            "manufacturer_id": manufacturer_id,
            "mineral": mineral,
            "quantity": {"amount": quantity, "unit": unit},
            "unit_price": {"amount": "33000", "per": unit},
            "origin_country": origin_country,
            "tier": tier,
            "warehouse_id": warehouse_id,
            "lot_reference": f"WR-{order_id}",
            "filled_at": T0 + timedelta(hours=hours),
            "phase": "initial_fill",
            "policy_version": "policy-2026-01",
        }
    )
    return new_event(fill, key=order_id, producer="sourcing")


async def send(bootstrap: str, events: Iterable[Envelope[Any]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                topics.SOURCING_ORDERS, encode(event), key=event.key.encode()
            )
    finally:
        await producer.stop()


async def read_events(
    bootstrap: str,
    topic: str,
    wanted: Callable[[dict[str, Any]], bool],
    expected: int,
    *,
    timeout_s: float = 15.0,
    settle_s: float = 0.5,
) -> list[tuple[str, dict[str, Any]]]:
    """(key, envelope) of the ``wanted`` events on ``topic``, read from the start.

    Reads until ``expected`` have come (or the timeout), then ``settle_s`` more, so
    that an extra event that should not be there is seen too.
    """
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    found: list[tuple[str, dict[str, Any]]] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        settled_at: float | None = None
        while loop.time() < deadline and (settled_at is None or loop.time() < settled_at):
            for messages in (await consumer.getmany(timeout_ms=200)).values():
                for message in messages:
                    try:
                        envelope = json.loads(message.value)
                    except ValueError:  # other tests put garbage on shared topics on purpose
                        continue
                    if wanted(envelope):
                        found.append((message.key.decode(), envelope))
            if len(found) >= expected and settled_at is None:
                settled_at = loop.time() + settle_s
    finally:
        await consumer.stop()
    return found


async def register_warehouse(
    api: httpx.AsyncClient, warehouse_id: str, kind: str = "third_party"
) -> httpx.Response:
    return await api.post(
        "/v1/warehouses",
        json={
            "warehouse_id": warehouse_id,
            "name": f"Store {warehouse_id}",
            "kind": kind,
            "location": "Rotterdam, NL",
            "operator": "trader-a",
        },
    )


async def receipts(api: httpx.AsyncClient, order_id: str) -> dict[str, Any]:
    response = await api.get(f"/v1/orders/{order_id}/receipts")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def book(api: httpx.AsyncClient, bootstrap: str, fills: list[Envelope[FillRecorded]]) -> None:
    """Send fills and wait until every one is on the books."""
    await send(bootstrap, fills)

    async def all_booked() -> bool:
        for fill in fills:
            if not (await receipts(api, fill.payload.order_id))["receipts"]:
                return False
        return True

    await eventually(all_booked)


class Counting:
    """A connection that counts the statements it is given (each one is a round trip)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.statements = 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._conn, name)
        if name not in {"execute", "fetch", "fetchrow", "fetchval"}:
            return method

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.statements += 1
            return await method(*args, **kwargs)

        return counted
