"""A sourcing service in-process on the real broker and database, driven through its topics.

The service consumes only what a test sends: before it starts, its consumer group
is moved to the end of every input topic, so offers, traders and requests other
tests (of any service) put on the shared topics never reach this test's fresh
database. What it publishes is collected from the end of its output topics.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.sourcing.app import create_api, create_service
from services.sourcing.settings import NAME, SourcingSettings
from shared.codec import decode_raw, encode
from shared.contracts import (
    Event,
    OfferPublished,
    PhaseSet,
    ProcurementRequested,
    TraderRegistered,
)
from shared.envelope import RawEnvelope, new_event
from shared.kafka import ensure_topics
from shared.service import Service
from shared.shutdown import bounded, cancel_all
from tests.support.access import ADMIN, BOOTSTRAP_ENV
from tests.support.kafka import partitions, start_group_at_end


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class Outputs:
    """Everything the service publishes from now on, decoded, to wait on."""

    def __init__(self, bootstrap: str) -> None:
        self._bootstrap = bootstrap
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
        )
        self._seen: list[RawEnvelope] = []
        self._arrived = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self, topic_names: tuple[str, ...]) -> None:
        await self._consumer.start()
        tps = await partitions(self._bootstrap, topic_names)
        self._consumer.assign(tps)
        await self._consumer.seek_to_end(*tps)
        for tp in tps:  # resolve the end now, before the test sends anything
            await self._consumer.position(tp)
        self._task = asyncio.create_task(self._collect())

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_all([self._task], "tap", 10)
        await bounded(self._consumer.stop(), "tap consumer", 10)

    async def _collect(self) -> None:
        async for message in self._consumer:
            self._seen.append(decode_raw(message.value))
            self._arrived.set()

    def of(self, order_id: str, contract: type[Event] | None = None) -> list[RawEnvelope]:
        return [
            e
            for e in self._seen
            if e.key == order_id and (contract is None or e.type == contract.EVENT_TYPE)
        ]

    async def wait_for(
        self,
        order_id: str,
        contract: type[Event],
        match: Callable[[dict[str, Any]], bool] = lambda _: True,
        *,
        count: int = 1,
        timeout_s: float = 15.0,
    ) -> list[dict[str, Any]]:
        """Payloads of the order's `contract` events that `match`, once `count` have come."""
        async with asyncio.timeout(timeout_s):
            while True:
                found = [e.payload for e in self.of(order_id, contract) if match(e.payload)]
                if len(found) >= count:
                    return found
                self._arrived.clear()
                await self._arrived.wait()


@dataclass
class Sourcing:
    service: Service
    client: httpx.AsyncClient
    producer: AIOKafkaProducer
    outputs: Outputs
    bootstrap: str

    async def send(self, payload: Event, *, partition: int | None = None) -> bytes:
        """Publish as another system would, on the contract's topic under its key;
        returns the bytes, to send them again."""
        raw = encode(new_event(payload, producer="test"))
        await self.resend(payload, raw, partition=partition)
        return raw

    async def resend(self, payload: Event, raw: bytes, *, partition: int | None = None) -> None:
        key = payload.partition_key().encode()
        await self.producer.send_and_wait(payload.TOPIC, raw, key=key, partition=partition)

    async def request(self, request: ProcurementRequested) -> None:
        await self.send(request)

    async def register(self, *traders: TraderRegistered) -> None:
        for trader in traders:
            await self.send(trader)
        await self.until(
            "SELECT count(*) = $2 FROM traders WHERE trader_id = ANY($1::text[])",
            [t.trader_id for t in traders],
            len(traders),
        )

    async def publish(self, *offers: OfferPublished) -> None:
        for offer in offers:
            await self.send(offer)
        await self.until(
            "SELECT count(*) = $2 FROM offers WHERE offer_id = ANY($1::text[])",
            [o.offer_id for o in offers],
            len(offers),
        )

    async def set_phase(self, change: PhaseSet) -> None:
        await self.send(change)
        await self.until(
            "SELECT count(*) > 0 FROM phase_changes WHERE mineral = $1 AND phase = $2",
            change.mineral,
            change.phase,
        )

    async def until(self, sql: str, *args: object, timeout_s: float = 15.0) -> None:
        """Wait until the service's own tables show that setup events were applied.

        Offers, traders and requests travel on different topics, read side by side;
        a test that needs one applied before the next is sent waits here.
        """
        async with asyncio.timeout(timeout_s):
            while not await self.service.pool.fetchval(sql, *args):
                await asyncio.sleep(0.05)

    async def order(self, order_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/v1/orders/{order_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@contextlib.asynccontextmanager
async def running_sourcing(bootstrap: str, database_url: str, **settings: Any) -> Any:
    config = SourcingSettings.model_validate(
        {
            "kafka_bootstrap_servers": bootstrap,
            "database_url": database_url,
            "outbox_poll_s": 0.1,
            "bootstrap_keys": BOOTSTRAP_ENV,
            **settings,
        }
    )
    service = create_service(config)
    inputs = tuple(dict.fromkeys(s.topic for s in service.subscriptions))
    await ensure_topics(bootstrap, service.topics)
    await start_group_at_end(bootstrap, NAME, inputs)
    outputs = Outputs(bootstrap)
    await outputs.start(tuple(dict.fromkeys(e.TOPIC for e in service.emits)))
    await service.start()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_api(service)),
        base_url="http://sourcing",
        headers=ADMIN,
    )
    try:
        yield Sourcing(service, client, producer, outputs, bootstrap)
    finally:
        await client.aclose()
        await producer.stop()
        await service.stop()
        await outputs.stop()
