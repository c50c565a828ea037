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

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True)
class Record:
    topic: str
    key: bytes | None
    value: bytes
    headers: Headers


class Publisher:
    def __init__(self, bootstrap_servers: str, *, client_id: str, timeout_s: float = 20.0) -> None:
        self._bootstrap = bootstrap_servers
        self._client_id = client_id
        self._timeout_s = timeout_s
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def _ensure(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = make_producer(self._bootstrap, client_id=self._client_id)
            try:
                await asyncio.wait_for(producer.start(), self._timeout_s)
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
                futures = [
                    await asyncio.wait_for(
                        producer.send(r.topic, r.value, key=r.key, headers=r.headers),
                        self._timeout_s,
                    )
                    for r in records
                ]
                await asyncio.wait_for(asyncio.gather(*futures), self._timeout_s)
            except BaseException:
                self._producer = None
                await self._discard(producer)
                raise

    async def _discard(self, producer: AIOKafkaProducer) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(producer.stop(), 5)

    async def close(self) -> None:
        async with self._lock:
            if self._producer is not None:
                await self._discard(self._producer)
                self._producer = None
