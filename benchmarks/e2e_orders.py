"""Orders from outside: ``demand.submitted`` on the intake topic, and their outcomes read back.

The load side of ``e2e_bench``: the envelope a manufacturer's system sends, a tracker
of when each order was published and when its receipt (``holdings.updated``) came,
a plain consumer from the end of the outcome topics, and the publisher, closed loop
or open loop. Messages are built and read as plain JSON, as any outside client would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

MINERAL = "lithium"  # catalogue: market lithium, unit t
MAX_PRICE = Decimal(20000)  # USD/t the manufacturer would pay at most


class BenchError(RuntimeError):
    pass


def demand_message(manufacturer_id: str, request_id: str) -> tuple[bytes, bytes]:
    """``demand.submitted`` in Vault's envelope, keyed as ``vault demand submit --via kafka``."""
    event_id = str(uuid.uuid4())
    key = f"{manufacturer_id}:{request_id}"
    envelope = {
        "event_id": event_id,
        "type": "demand.submitted",
        "version": "1.0",
        "occurred_at": datetime.now(UTC).isoformat(),
        "producer": "vault-bench",
        "key": key,
        "correlation_id": event_id,
        "causation_id": None,
        "payload": {
            "manufacturer_id": manufacturer_id,
            "request_id": request_id,
            "mineral": MINERAL,
            "quantity": "1",
            "unit": "t",
            "deliver_by": (date.today() + timedelta(days=90)).isoformat(),
            "max_unit_price": str(MAX_PRICE),
            "kind": "procurement",
        },
    }
    return key.encode(), json.dumps(envelope).encode()


class Tracker:
    """When each order was published and when its receipt came back."""

    def __init__(self, manufacturer_id: str, request_ids: Sequence[str]) -> None:
        self.manufacturer_id = manufacturer_id
        self.request_ids = list(request_ids)
        self.published: dict[str, float] = {}  # request id -> when
        self.request_of: dict[str, str] = {}  # order id -> request id
        self.booked_at: dict[str, float] = {}  # order id -> first receipt
        self.rejected: dict[str, str] = {}
        self.done = asyncio.Event()
        self._progress = asyncio.Event()
        self._completed = 0

    @property
    def completed(self) -> int:
        return self._completed

    def accepted(self, request_id: str, order_id: str) -> None:
        if request_id in self.published and order_id not in self.request_of:
            self.request_of[order_id] = request_id
            if order_id in self.booked_at:
                self._complete()

    def booked(self, order_id: str, at: float) -> None:
        if order_id in self.booked_at:
            return
        self.booked_at[order_id] = at
        if order_id in self.request_of:
            self._complete()

    def _complete(self) -> None:
        self._completed += 1
        self._progress.set()
        if self._completed >= len(self.request_ids):
            self.done.set()

    async def below(self, in_flight: int) -> None:
        """Until fewer than ``in_flight`` published orders are waiting for their receipt."""
        while len(self.published) - self._completed >= in_flight:
            self._progress.clear()
            await self._progress.wait()

    def latencies_s(self) -> list[float]:
        return sorted(
            self.booked_at[order] - self.published[request]
            for order, request in self.request_of.items()
            if order in self.booked_at
        )

    def span_s(self) -> float:
        """First publish to last receipt."""
        booked = [self.booked_at[o] for o in self.request_of if o in self.booked_at]
        return max(booked) - min(self.published.values()) if booked else math.nan


async def describe_topics(bootstrap: str, topics: Iterable[str]) -> list[dict[str, Any]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described: list[dict[str, Any]] = await admin.describe_topics(list(topics))
    finally:
        await admin.close()
    missing = [d["topic"] for d in described if d["error_code"] or not d["partitions"]]
    if missing:
        raise BenchError(f"topics not on the broker: {missing}")
    return described


async def partitions_of(bootstrap: str, topics: Iterable[str]) -> list[TopicPartition]:
    return [
        TopicPartition(d["topic"], p["partition"])
        for d in await describe_topics(bootstrap, topics)
        for p in d["partitions"]
    ]


class Listener:
    """A plain consumer from the end of the outcome topics, feeding the current tracker."""

    def __init__(self, bootstrap: str, outcomes: str, holdings: str) -> None:
        self.bootstrap = bootstrap
        self.topics = (outcomes, holdings)
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
        )
        self.tracker: Tracker | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Listener:
        parts = await partitions_of(self.bootstrap, self.topics)
        await self.consumer.start()
        self.consumer.assign(parts)
        await self.consumer.seek_to_end(*parts)
        for tp in parts:  # resolve every position now, before anything is published
            await self.consumer.position(tp)
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.consumer.stop()

    async def messages_on(self, select: Callable[[str], bool]) -> int:
        """Messages ever written to the topics ``select`` picks (the sum of end offsets)."""
        topics = [t for t in await self.consumer.topics() if select(t)]
        ends = await self.consumer.end_offsets(await partitions_of(self.bootstrap, topics))
        return int(sum(ends.values()))

    async def _run(self) -> None:
        while True:
            fetched = await self.consumer.getmany(timeout_ms=200)
            at = time.monotonic()
            for records in fetched.values():
                for record in records:
                    self._note(record.value, at)

    def _note(self, value: bytes, at: float) -> None:
        tracker = self.tracker
        if tracker is None or tracker.manufacturer_id.encode() not in value:
            return
        event = json.loads(value)
        kind, payload = event.get("type"), event.get("payload") or {}
        if kind == "demand.accepted" and payload.get("manufacturer_id") == tracker.manufacturer_id:
            tracker.accepted(payload["request_id"], payload["order_id"])
        elif kind == "demand.rejected":
            tracker.rejected[payload.get("request_id", "?")] = json.dumps(payload.get("reasons"))
        elif (
            kind == "holdings.updated"
            and payload.get("owner") == tracker.manufacturer_id
            and payload.get("kind") == "receipt"
            and payload.get("order_id")
        ):
            tracker.booked(payload["order_id"], at)


@contextlib.asynccontextmanager
async def demand_producer(bootstrap: str) -> AsyncIterator[Any]:
    """Idempotent, acks=all: how a manufacturer's system should send (``vault/publish.py``)."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


@dataclass(frozen=True)
class Pace:
    rate: float | None  # orders/s, open loop; None: closed loop
    in_flight: int


async def publish_demands(producer: Any, topic: str, tracker: Tracker, pace: Pace) -> None:
    started = time.monotonic()
    acks = []
    for i, request_id in enumerate(tracker.request_ids):
        if pace.rate:
            await asyncio.sleep(max(0.0, started + i / pace.rate - time.monotonic()))
        else:
            await tracker.below(pace.in_flight)
        key, value = demand_message(tracker.manufacturer_id, request_id)
        tracker.published[request_id] = time.monotonic()
        acks.append(
            await producer.send(
                topic, value, key=key, headers=[("event_type", b"demand.submitted")]
            )
        )
    await asyncio.gather(*acks)
