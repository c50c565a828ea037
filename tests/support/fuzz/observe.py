"""What the fuzzed service did, read back: answers as they arrive, letters, inbox, progress."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.codec import decode_raw
from shared.dlq import parse_dead_letter
from shared.envelope import RawEnvelope
from shared.shutdown import bounded, cancel_all
from tests.support.fuzz.ledger import Offset
from tests.support.kafka import partitions

Ends = dict[int, int]


async def end_offsets(bootstrap: str, topic: str) -> Ends:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        tps = await partitions(bootstrap, (topic,))
        found = await consumer.end_offsets(tps)
    finally:
        await consumer.stop()
    return {tp.partition: offset for tp, offset in found.items()}


async def caught_up(bootstrap: str, group: str, topic: str, ends: Ends) -> bool:
    """Whether ``group`` committed at least ``ends`` on every partition (all was consumed)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    await consumer.start()
    try:
        for partition, end in ends.items():
            committed = await consumer.committed(TopicPartition(topic, partition))
            if (committed or 0) < end:
                return False
    finally:
        await consumer.stop()
    return True


class Tap:
    """Every event published on a topic from now on, by the key ``key_of`` gives it."""

    def __init__(self, bootstrap: str, topic: str, key_of: Callable[[RawEnvelope], str | None]):
        self._bootstrap = bootstrap
        self._topic = topic
        self._key_of = key_of
        self.first_seen: dict[str, float] = {}
        self.events: dict[str, set[str]] = {}  # key -> distinct event ids
        self.types: Counter[str] = Counter()
        self.reached: Ends = {}
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
        self._task: asyncio.Task[None] | None = None
        self._arrived = asyncio.Event()

    async def start(self) -> Ends:
        await self._consumer.start()
        tps = await partitions(self._bootstrap, (self._topic,))
        self._consumer.assign(tps)
        ends = await self._consumer.end_offsets(tps)
        for tp, offset in ends.items():
            self._consumer.seek(tp, offset)
            self.reached[tp.partition] = offset
        self._task = asyncio.create_task(self._collect())
        return {tp.partition: offset for tp, offset in ends.items()}

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_all([self._task], "tap", 10)
        await bounded(self._consumer.stop(), "tap consumer", 10)

    async def _collect(self) -> None:
        while True:
            fetched = await self._consumer.getmany(timeout_ms=100)
            now = time.monotonic()
            for tp, messages in fetched.items():
                for message in messages:
                    self.reached[tp.partition] = message.offset + 1
                    event = decode_raw(message.value)
                    key = self._key_of(event)
                    if key is None:
                        continue
                    self.types[event.type] += 1
                    self.first_seen.setdefault(key, now)
                    self.events.setdefault(key, set()).add(str(event.event_id))
            if fetched:
                self._arrived.set()

    async def wait_for(self, key: str, timeout_s: float) -> float | None:
        """When ``key`` was first seen, waiting up to ``timeout_s``; None if it was not."""
        deadline = time.monotonic() + timeout_s
        while key not in self.first_seen:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await self._arrived.wait()
        return self.first_seen[key]


async def dead_letters(
    bootstrap: str, dlq: str, starts: Ends, consumer_name: str, topic: str
) -> tuple[Counter[Offset], Counter[str]]:
    """The letters ``consumer_name`` wrote for ``topic`` since ``starts``, by offset and reason."""
    by_offset: Counter[Offset] = Counter()
    reasons: Counter[str] = Counter()
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, fetch_max_bytes=8 << 20)
    await reader.start()
    try:
        tps = await partitions(bootstrap, (dlq,))
        reader.assign(tps)
        ends = await reader.end_offsets(tps)
        for tp in tps:
            reader.seek(tp, starts.get(tp.partition, 0))
        left = {tp for tp in tps if starts.get(tp.partition, 0) < ends[tp]}
        deadline = time.monotonic() + 120
        while left and time.monotonic() < deadline:
            for tp, messages in (await reader.getmany(*left, timeout_ms=500)).items():
                for m in messages:
                    letter = parse_dead_letter(
                        tp.partition, m.offset, m.key, m.value or b"", list(m.headers or [])
                    )
                    if letter.consumer == consumer_name and letter.topic == topic:
                        by_offset[(letter.partition, letter.offset)] += 1
                        reasons[letter.reason] += 1
                if messages and messages[-1].offset + 1 >= ends[tp]:
                    left.discard(tp)
    finally:
        await reader.stop()
    return by_offset, reasons


async def inbox(pool: asyncpg.Pool, consumer: str, topic: str) -> dict[Offset, str]:
    rows = await pool.fetch(
        "SELECT partition, kafka_offset, outcome FROM inbox WHERE consumer = $1 AND topic = $2",
        consumer,
        topic,
    )
    return {(row["partition"], row["kafka_offset"]): row["outcome"] for row in rows}
