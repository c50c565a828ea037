"""A raw, idempotent, acks=all producer with bounded waits, rebuilt after failures.

aiokafka's idempotent producer can hang while the broker is down (aiokafka #1101)
and stop after OutOfOrderSequenceNumber (#1017): every wait here has a timeout,
and after any failure the producer is thrown away and a fresh one is made.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from shared.kafka import make_producer
from shared.kafka_security import KafkaSecurity

# Kafka header values may be null.
Headers = list[tuple[str, bytes | None]]


@dataclass(frozen=True)
class Record:
    topic: str
    key: bytes | None
    value: bytes
    headers: Headers


class Publisher:
    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str,
        timeout_s: float = 20.0,
        security: KafkaSecurity | None = None,
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._security = security
        self._client_id = client_id
        self._timeout_s = timeout_s
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def _ensure(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = make_producer(
                self._bootstrap, client_id=self._client_id, security=self._security
            )
            try:
                async with asyncio.timeout(self._timeout_s):
                    await producer.start()
            except BaseException:
                await self._discard(producer)
                raise
            self._producer = producer
        return self._producer

    async def publish(self, records: Sequence[Record]) -> None:
        """Send all records and wait until each is acknowledged by all in-sync replicas."""
        if not records:
            return
        async with self._lock:
            producer = await self._ensure()
            try:
                futures = []
                for r in records:
                    async with asyncio.timeout(self._timeout_s):
                        futures.append(
                            await producer.send(r.topic, r.value, key=r.key, headers=r.headers)
                        )
                async with asyncio.timeout(self._timeout_s):
                    await asyncio.gather(*futures)
            except BaseException:
                self._producer = None
                await self._discard(producer)
                raise

    async def publish_each(self, records: Sequence[Record]) -> list[BaseException | None]:
        """Send each record on its own and say, per record, what failed (None: acknowledged).

        The slow path after a batch failed: it tells a record Kafka will never take
        (too large, not authorised) from the ones that were only caught up in it.
        """
        outcomes: list[BaseException | None] = []
        for record in records:
            try:
                await self.publish([record])
                outcomes.append(None)
            except Exception as exc:
                outcomes.append(exc)
        return outcomes

    async def _discard(self, producer: AIOKafkaProducer) -> None:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(5):
                await producer.stop()

    async def close(self) -> None:
        async with self._lock:
            if self._producer is not None:
                await self._discard(self._producer)
                self._producer = None
