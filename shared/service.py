"""A Vault service process: its pool, consumer, outbox relay, health, and its HTTP API.

Every service is the same object with different subscriptions, migrations and API:
- ``transaction()`` is the unit of work of both entry points: a Kafka batch and an
  HTTP request each commit their state, inbox rows and outbox rows in one, and the
  commit wakes this process's outbox relay;
- ``start()`` migrates, creates the topics, opens the pool, starts the relay, the
  consumer and the service's background tasks; ``stop()`` undoes it in reverse;
- ``asgi(api)`` serves ``/health/live``, ``/health/ready`` and ``/metrics`` beside
  the service's API, with the service's start and stop as the ASGI lifespan.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import asyncpg
import structlog

from shared import outbox
from shared.access import bootstrap
from shared.access.guard import FailureLimiter
from shared.access.store import CredentialStore
from shared.access.store import subscription as credentials_subscription
from shared.asgi import serve, with_health
from shared.consumer.batch import BatchApplier
from shared.consumer.engine import Consumer, ConsumerSettings
from shared.consumer.subscriptions import Subscription
from shared.contracts import Event
from shared.db import Connection, create_pool, migrate
from shared.health import Check, health_app
from shared.kafka import ensure_topics, ping
from shared.logging import configure_logging
from shared.publisher import Publisher
from shared.settings import ServiceSettings
from shared.shutdown import STOP_CONSUMER_S, STOP_STEP_S, bounded, cancel_all

log = structlog.get_logger("service")

MAX_OUTBOX_AGE_READY_S = 60.0

# A task the service runs from start to stop (a sweeper, a refresher): it gets the service.
Background = Callable[["Service"], Awaitable[None]]


def every(interval_s: Callable[[Service], float], work: Background, what: str) -> Background:
    """A background task that runs ``work`` every ``interval_s(service)`` seconds, from start
    to stop; a round that fails (the database away) is logged, and the next one runs."""

    async def periodically(service: Service) -> None:
        while True:
            await asyncio.sleep(interval_s(service))
            try:
                await work(service)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(f"{what}_failed", error=repr(exc))

    periodically.__name__ = what
    return periodically


class Service:
    def __init__(
        self,
        name: str,
        *,
        subscriptions: Sequence[Subscription] = (),
        emits: Sequence[type[Event]] = (),
        topics: Sequence[str] = (),
        migrations: Sequence[str] = (),
        settings: ServiceSettings | None = None,
        background: Sequence[Background] = (),
        configure_logging: bool = True,
        verifies_credentials: bool = True,
    ) -> None:
        self.name = name
        self.configure_logging = configure_logging
        self.settings = settings or ServiceSettings()
        self.subscriptions: list[Subscription] = []
        self.emits = list(emits)
        self._topics = list(topics)
        # What the service's handlers and routes are given (set by its ``app.py``).
        self.context: Any = None
        self.migrations = list(migrations)
        self._background = list(background)
        self._pool: asyncpg.Pool | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._started = False
        # Every Kafka client of the service authenticates as its principal (when set).
        self.kafka_security = self.settings.kafka_security()
        self.publisher = Publisher(
            self.settings.kafka_bootstrap_servers,
            client_id=f"{name}-relay",
            security=self.kafka_security,
        )
        self.relay: outbox.OutboxRelay | None = None
        self.consumer = Consumer(
            name,
            self.subscriptions,
            self.settings.kafka_bootstrap_servers,
            BatchApplier(name, self.transaction, lambda: self.publisher),
            ConsumerSettings(
                max_records=self.settings.consumer_max_records,
                max_attempts=self.settings.consumer_max_attempts,
                base_backoff_s=self.settings.consumer_base_backoff_s,
            ),
            security=self.kafka_security,
        )
        self.subscribe(subscriptions)
        # The API keys this service accepts (shared.http.auth verifies against them).
        self.credentials = CredentialStore(lambda: self.pool)
        self.credentials.failures = FailureLimiter(
            self.settings.auth_failures_per_s, self.settings.auth_failure_burst
        )
        self.verifies_credentials = verifies_credentials
        # Read now: a malformed value stops the service before it serves anything.
        self.bootstrap_keys = bootstrap.decode(self.settings.bootstrap_keys)
        if verifies_credentials:
            self.subscribe([credentials_subscription(self.credentials)])

    def subscribe(self, subscriptions: Sequence[Subscription]) -> None:
        """Read these topics too (before ``start``): handlers often need the service itself."""
        self.subscriptions.extend(subscriptions)

    def subscription(self, topic: str) -> Subscription:
        """The subscription that reads ``topic`` (KeyError if the service does not read it)."""
        for subscription in self.subscriptions:
            if subscription.topic == topic:
                return subscription
        raise KeyError(topic)

    @property
    def topics(self) -> list[str]:
        """Every topic the service reads or writes: it creates them at start if missing."""
        return list(
            dict.fromkeys(
                [
                    *self._topics,
                    *(s.topic for s in self.subscriptions),
                    *(e.TOPIC for e in self.emits),
                ]
            )
        )

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError(f"{self.name}: the database pool is opened at start-up")
        return self._pool

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """One unit of work: commits on leaving the block, then wakes the outbox relay."""
        async with self.pool.acquire() as conn, conn.transaction():
            yield conn
        if self.relay is not None:
            self.relay.wake()

    async def start(self) -> None:
        if self._started:
            return
        if self.configure_logging:
            configure_logging(
                self.name, level=self.settings.log_level, fmt=self.settings.log_format
            )
        self._pool = await create_pool(self.settings.database_url, schema=self.name)
        applied = await migrate(self._pool, *self.migrations)
        if self.verifies_credentials:
            await self._seed_bootstrap_keys()
        await ensure_topics(
            self.settings.kafka_bootstrap_servers,
            self.topics,
            partitions=self.settings.topic_partitions,
            replicas=self.settings.topic_replicas,
            security=self.kafka_security,
        )
        log.info("service_starting", migrations_applied=applied, topics=self.topics)
        self.relay = outbox.OutboxRelay(
            self.pool,
            self.publisher,
            service=self.name,
            database_url=self.settings.database_url,
            batch=self.settings.outbox_batch,
            poll_s=self.settings.outbox_poll_s,
            retention_s=self.settings.outbox_retention_s,
        )
        with structlog.contextvars.bound_contextvars(service=self.name):
            self._spawn(self.relay.run(), "outbox-relay")
            await self.consumer.start()
            for task in self._background:
                self._spawn(task(self), getattr(task, "__name__", "background"))
        self._started = True
        log.info("service_ready", http_port=self.settings.http_port)

    async def _seed_bootstrap_keys(self) -> None:
        """The deployment's first keys (their hashes), so they work before access's events
        arrive; a key already known (or revoked since) is left as it is."""
        if self.bootstrap_keys:
            async with self.pool.acquire() as conn:
                await self.credentials.save(conn, [k.credential() for k in self.bootstrap_keys])

    def _spawn(self, work: Awaitable[None], what: str) -> None:
        async def run() -> None:
            await work

        self._tasks.append(asyncio.create_task(run(), name=f"{self.name}-{what}"))

    async def stop(self) -> None:
        if not self._started and self._pool is None:
            return
        # Each step is bounded: a shutdown that cannot finish (a handler stuck on a lock, a
        # connection never given back) must not hang the process; what is cut short is
        # redelivered (the inbox absorbs it) or rolled back.
        await bounded(self.consumer.stop(), "consumer", STOP_CONSUMER_S)
        tasks, self._tasks = self._tasks, []
        await cancel_all(tasks, "background tasks", STOP_STEP_S)
        await bounded(self.publisher.close(), "publisher", STOP_STEP_S)
        if self._pool is not None:
            pool, self._pool = self._pool, None
            if not await bounded(pool.close(), "database pool", STOP_STEP_S):
                pool.terminate()
        self._started = False
        log.info("service_stopped")

    # -- health ----------------------------------------------------------------------------

    def checks(self) -> dict[str, Check]:
        return {
            "database": self._check_database,
            "broker": self._check_broker,
            "outbox": self._check_outbox,
            "consumer": self._check_consumer,
        }

    async def _check_database(self) -> tuple[bool, Any]:
        return await self.pool.fetchval("SELECT 1") == 1, "reachable"

    async def _check_broker(self) -> tuple[bool, Any]:
        ok = await ping(self.settings.kafka_bootstrap_servers, security=self.kafka_security)
        return ok, "reachable" if ok else "unreachable"

    async def _check_outbox(self) -> tuple[bool, Any]:
        count, age = await outbox.backlog(self.pool)
        set_aside = await outbox.parked(self.pool)
        return age < MAX_OUTBOX_AGE_READY_S, {
            "backlog": count,
            "oldest_s": round(age, 1),
            "parked": set_aside,
        }

    async def _check_consumer(self) -> tuple[bool, Any]:
        stalled = self.consumer.stalled()
        return not stalled, {"stalled_s": stalled} if stalled else "moving"

    def asgi(self, api: Any = None) -> Any:
        """One ASGI app: health and metrics (and the service's lifespan) here, the rest to ``api``."""
        return with_health(health_app(self.checks()), api, self.start, self.stop)

    def run(self, api: Any = None) -> None:
        """Serve the service (consumer, relay, health, ``api``) with uvicorn until SIGINT/SIGTERM."""
        serve(self.asgi(api), self.settings.http_host, self.settings.http_port)
