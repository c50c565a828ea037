"""Transactional outbox: record events with the state change; a relay publishes them after commit.

Order: the relay publishes in ``id`` order and only one relay per database is
active (an advisory lock), so events of one key leave in the order their
transactions wrote them, provided writers of one key serialise on its row lock
(every handler does: it updates the order's row in the same transaction).
Delivery is at least once: a relay killed after publishing and before marking
publishes again; consumers' inboxes absorb the duplicate.

Waking: writers do not NOTIFY (PostgreSQL serialises every notifying commit of the
whole cluster on one lock). The unit of work that commits a transaction wakes the
relay of its own process (``OutboxRelay.wake``); rows written by another replica
are found by a short poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Sequence

import asyncpg
import structlog
from aiokafka.errors import KafkaError

from shared import metrics
from shared.codec import encode
from shared.db import Connection, connect
from shared.envelope import EventMeta, topic_of
from shared.publisher import Publisher, Record

RELAY_LOCK = 7_411_002
log = structlog.get_logger("outbox")

COLUMN_TYPES = ("uuid[]", "text[]", "text[]", "bytea[]", "text[]")


def insert_from(arrays: Sequence[str]) -> str:
    """The outbox insert reading its rows from five typed array parameters (``columns``, cast
    as ``COLUMN_TYPES``): for a writer that folds its outbox rows into a statement of its own."""
    return (
        "INSERT INTO outbox (event_id, topic, key, value, headers) "
        f"SELECT e, t, k, v, h::jsonb FROM unnest({', '.join(arrays)}) AS u(e, t, k, v, h)"
    )


_INSERT = insert_from([f"${n}::{kind}" for n, kind in enumerate(COLUMN_TYPES, start=1)])


def headers_of(event: EventMeta) -> dict[str, str]:
    return {
        "event_type": event.type,
        "event_version": event.version,
        "correlation_id": event.correlation_id,
        "producer": event.producer,
    }


def record_of(event: EventMeta, topic: str | None = None) -> Record:
    """The Kafka record an event becomes, as the relay would publish it (for tools and tests)."""
    return Record(
        topic or topic_of(event),
        event.key.encode(),
        encode(event),
        [(k, v.encode()) for k, v in headers_of(event).items()],
    )


async def enqueue(conn: Connection, events: Sequence[EventMeta]) -> None:
    """Record events in the caller's open transaction, each on the topic its contract names."""
    await enqueue_to(conn, [(topic_of(event), event) for event in events])


async def enqueue_to(conn: Connection, routed: Sequence[tuple[str, EventMeta]]) -> None:
    """Record ``(topic, event)`` pairs: for topics no contract names (tests, tools)."""
    if not routed:
        return
    await conn.execute(_INSERT, *columns(routed))


def columns(routed: Sequence[tuple[str, EventMeta]]) -> tuple[list[object], ...]:
    """The outbox rows of ``(topic, event)`` pairs as the five arrays ``insert_from`` reads."""
    arrays: tuple[list[object], ...] = ([], [], [], [], [])
    for topic, event in routed:
        for column, value in zip(
            arrays,
            (event.event_id, topic, event.key, encode(event), json.dumps(headers_of(event))),
            strict=True,
        ):
            column.append(value)
    return arrays


async def backlog(conn: Connection | asyncpg.Pool) -> tuple[int, float]:
    """Unpublished rows (parked ones excluded), and the age in seconds of the oldest."""
    row = await conn.fetchrow(
        "SELECT count(*) AS n, coalesce(extract(epoch FROM now() - min(created_at)), 0) AS age "
        "FROM outbox WHERE published_at IS NULL AND parked_at IS NULL"
    )
    assert row is not None
    return int(row["n"]), float(row["age"])


async def parked(conn: Connection | asyncpg.Pool) -> int:
    """Rows Kafka refused for good, set aside for ops (see ``OutboxRelay``)."""
    return int(await conn.fetchval("SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL"))


def is_permanent(exc: BaseException) -> bool:
    """A refusal no retry changes: the record is too large, or the topic not ours to write."""
    return isinstance(exc, KafkaError) and not exc.retriable


class OutboxRelay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        publisher: Publisher,
        *,
        service: str,
        database_url: str,
        batch: int = 500,
        poll_s: float = 0.5,
        retention_s: float = 0,
    ) -> None:
        self._pool = pool
        self._publisher = publisher
        self._service = service
        self._database_url = database_url
        self._batch = batch
        self._poll_s = poll_s
        self._retention_s = retention_s
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """A transaction that may have written outbox rows committed in this process."""
        self._wake.set()

    async def run(self) -> None:
        """Publish until cancelled; waits for the relay lock when another replica holds it."""
        while True:
            try:
                await self._run_locked()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # database or broker trouble: back off, try again
                log.warning("outbox_relay_failed", error=repr(exc))
                await asyncio.sleep(min(5.0, self._poll_s * 4))

    async def _run_locked(self) -> None:
        # A connection of its own: it holds the session lock for as long as it lives, and
        # marks rows published without waiting for the disk (a mark lost in a crash only
        # means a row is published again, which the consumers' inboxes absorb).
        conn = await connect(self._database_url, schema=self._service)
        try:
            await conn.execute("SET synchronous_commit = off")
            # Locks are database-wide; services sharing one database (one schema each) must
            # not block each other, so the lock is keyed by the service too.
            while not await conn.fetchval(
                "SELECT pg_try_advisory_lock($1, hashtext($2))", RELAY_LOCK, self._service
            ):
                await asyncio.sleep(self._poll_s * 4)
            log.info("outbox_relay_leading")
            last_cleanup = 0.0
            while True:
                self._wake.clear()  # before reading, so a wake during the batch is kept
                sent = await self.publish_batch(conn)
                if time.monotonic() - last_cleanup > 60:
                    await self._cleanup(conn)
                    last_cleanup = time.monotonic()
                if sent >= self._batch:
                    continue
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._poll_s):
                        await self._wake.wait()
        finally:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await conn.close()

    async def publish_batch(self, conn: Connection | asyncpg.Pool | None = None) -> int:
        """Publish the oldest unpublished rows, then mark them; returns how many.

        ``conn``: the relay's own connection when it leads; the pool for a one-off run.
        """
        conn = self._pool if conn is None else conn
        rows = await conn.fetch(
            "SELECT id, topic, key, value, headers FROM outbox "
            "WHERE published_at IS NULL AND parked_at IS NULL ORDER BY id LIMIT $1",
            self._batch,
        )
        if not rows:
            metrics.OUTBOX_BACKLOG.labels(self._service).set(0)
            metrics.OUTBOX_OLDEST_SECONDS.labels(self._service).set(0)
            return 0
        records = [_record(row) for row in rows]
        ids = [row["id"] for row in rows]
        try:
            await self._publisher.publish(records)
        except Exception as exc:
            if not is_permanent(exc):
                raise
            ids = await self._publish_around_refused(conn, ids, records)
        await self._mark_published(conn, ids)
        for record in records:
            metrics.MESSAGES_OUT.labels(self._service, record.topic).inc()
        if len(rows) < self._batch:
            metrics.OUTBOX_BACKLOG.labels(self._service).set(0)
            metrics.OUTBOX_OLDEST_SECONDS.labels(self._service).set(0)
        else:
            count, age = await backlog(conn)
            metrics.OUTBOX_BACKLOG.labels(self._service).set(count)
            metrics.OUTBOX_OLDEST_SECONDS.labels(self._service).set(age)
        return len(rows)

    async def _mark_published(self, conn: Connection | asyncpg.Pool, ids: list[int]) -> None:
        if self._retention_s <= 0:
            # Kafka holds what was published: a row gone at once costs one write, not two.
            await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", ids)
            return
        await conn.execute(
            "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])", ids
        )

    async def _publish_around_refused(
        self, conn: Connection | asyncpg.Pool, ids: list[int], records: list[Record]
    ) -> list[int]:
        """One by one, parking what Kafka refuses for good; returns the ids it published.

        A parked row no longer holds up the rows after it (nor their keys): it stays in
        the table with the refusal, counted by ``vault_outbox_parked``, for ops to fix.
        """
        published: list[int] = []
        for row_id, outcome in zip(ids, await self._publisher.publish_each(records), strict=True):
            if outcome is None:
                published.append(row_id)
            elif is_permanent(outcome):
                await conn.execute(
                    "UPDATE outbox SET parked_at = now(), park_reason = $2 WHERE id = $1",
                    row_id,
                    repr(outcome)[:2000],
                )
                log.error("outbox_row_parked", outbox_id=row_id, error=repr(outcome))
            else:
                raise outcome
        metrics.OUTBOX_PARKED.labels(self._service).set(await parked(conn))
        return published

    async def _cleanup(self, conn: Connection) -> None:
        if self._retention_s > 0:
            await conn.execute(
                "DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)",
                self._retention_s,
            )
        metrics.OUTBOX_PARKED.labels(self._service).set(await parked(conn))


def _record(row: asyncpg.Record) -> Record:
    return Record(
        row["topic"],
        row["key"].encode(),
        bytes(row["value"]),
        [(k, str(v).encode()) for k, v in json.loads(row["headers"]).items()],
    )
