"""Transactional outbox: record events with the state change; a relay publishes them after commit.

Order: the relay publishes in ``id`` order and only one relay per database is
active (an advisory lock), so events of one key leave in the order their
transactions wrote them, provided writers of one key serialise on its row lock
(every handler does: it updates the order's row in the same transaction).
Delivery is at least once: a relay killed after publishing and before marking
publishes again; consumers' inboxes absorb the duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Sequence

import asyncpg
import structlog

from shared import metrics
from shared.codec import encode
from shared.db import Connection
from shared.envelope import EventMeta
from shared.publisher import Publisher, Record

NOTIFY_CHANNEL = "vault_outbox"
RELAY_LOCK = 7_411_002
log = structlog.get_logger("outbox")


def headers_of(event: EventMeta) -> dict[str, str]:
    return {
        "event_type": event.type,
        "event_version": event.version,
        "correlation_id": event.correlation_id,
        "producer": event.producer,
    }


async def enqueue(conn: Connection, events: Sequence[tuple[str, EventMeta]]) -> None:
    """Record ``(topic, event)`` pairs in the caller's open transaction."""
    if not events:
        return
    await conn.executemany(
        "INSERT INTO outbox (event_id, topic, key, value, headers) VALUES ($1, $2, $3, $4, $5::jsonb)",
        [(e.event_id, topic, e.key, encode(e), json.dumps(headers_of(e))) for topic, e in events],
    )
    await conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)


async def backlog(conn: Connection | asyncpg.Pool) -> tuple[int, float]:
    """Unpublished rows, and the age in seconds of the oldest."""
    row = await conn.fetchrow(
        "SELECT count(*) AS n, coalesce(extract(epoch FROM now() - min(created_at)), 0) AS age "
        "FROM outbox WHERE published_at IS NULL"
    )
    assert row is not None
    return int(row["n"]), float(row["age"])


class OutboxRelay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        publisher: Publisher,
        *,
        service: str,
        batch: int = 500,
        poll_s: float = 0.5,
        retention_s: float = 86_400,
    ) -> None:
        self._pool = pool
        self._publisher = publisher
        self._service = service
        self._batch = batch
        self._poll_s = poll_s
        self._retention_s = retention_s
        self._wake = asyncio.Event()

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
        conn = await self._pool.acquire()
        try:
            # Locks are database-wide; services sharing one database (one schema each) must not
            # block each other, so the lock is keyed by the service too.
            while not await conn.fetchval(
                "SELECT pg_try_advisory_lock($1, hashtext($2))", RELAY_LOCK, self._service
            ):
                await asyncio.sleep(self._poll_s * 4)
            await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
            last_cleanup = 0.0
            while True:
                # The lock lives as long as this session: if the session is gone, another
                # relay may hold the lock now, so stop and take it again before publishing.
                await conn.fetchval("SELECT 1")
                self._wake.clear()  # before reading, so a NOTIFY during the batch is kept
                sent = await self.publish_batch()
                if time.monotonic() - last_cleanup > 60:
                    await self._cleanup()
                    last_cleanup = time.monotonic()
                if sent >= self._batch:
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll_s)
        finally:
            with contextlib.suppress(Exception):
                await conn.remove_listener(NOTIFY_CHANNEL, self._on_notify)
                await conn.execute(
                    "SELECT pg_advisory_unlock($1, hashtext($2))", RELAY_LOCK, self._service
                )
            await self._pool.release(conn)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def publish_batch(self) -> int:
        """Publish the oldest unpublished rows, then mark them; returns how many."""
        rows = await self._pool.fetch(
            "SELECT id, topic, key, value, headers FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1",
            self._batch,
        )
        if not rows:
            metrics.OUTBOX_BACKLOG.labels(self._service).set(0)
            metrics.OUTBOX_OLDEST_SECONDS.labels(self._service).set(0)
            return 0
        records = [
            Record(
                r["topic"],
                r["key"].encode(),
                bytes(r["value"]),
                [(k, str(v).encode()) for k, v in json.loads(r["headers"]).items()],
            )
            for r in rows
        ]
        await self._publisher.publish(records)
        await self._mark_published([r["id"] for r in rows])
        for record in records:
            metrics.MESSAGES_OUT.labels(self._service, record.topic).inc()
        count, age = await backlog(self._pool)
        metrics.OUTBOX_BACKLOG.labels(self._service).set(count)
        metrics.OUTBOX_OLDEST_SECONDS.labels(self._service).set(age)
        return len(rows)

    async def _mark_published(self, ids: list[int]) -> None:
        await self._pool.execute(
            "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])", ids
        )

    async def _cleanup(self) -> None:
        await self._pool.execute(
            "DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)",
            self._retention_s,
        )
