"""A Vault service process: one FastStream app with its broker, pool, inbox, outbox relay and health.

Services write routers (subscribers with domain handlers) and hand them here;
everything that is the same for all four lives in this one place.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg
import structlog
from faststream.asgi import AsgiFastStream
from faststream.kafka import KafkaBroker, KafkaRouter
from pydantic import BaseModel

from shared import outbox
from shared.consumer import InboxSettings, inbox_middleware, tolerant_parser
from shared.db import create_pool, migrate
from shared.envelope import Envelope
from shared.health import health_routes
from shared.kafka import REQUEST_TIMEOUT_MS, ensure_topics
from shared.logging import configure_logging
from shared.publisher import Publisher
from shared.settings import ServiceSettings

log = structlog.get_logger("service")

MAX_OUTBOX_AGE_READY_S = 60.0


class Service:
    def __init__(
        self,
        name: str,
        *,
        routers: Sequence[KafkaRouter] = (),
        topics: Sequence[str] = (),
        migrations: Sequence[str] = (),
        settings: ServiceSettings | None = None,
        extra_routes: Sequence[tuple[str, Any]] = (),
        on_ready: Sequence[Callable[[Service], Awaitable[None]]] = (),
        emits: Sequence[tuple[str, type[BaseModel]]] = (),
        configure_logging: bool = True,
    ) -> None:
        self.name = name
        self.configure_logging = configure_logging
        self.settings = settings or ServiceSettings()
        self.topics = list(topics)
        self.migrations = list(migrations)
        self._on_ready = list(on_ready)
        self._pool: asyncpg.Pool | None = None
        self.publisher = Publisher(self.settings.kafka_bootstrap_servers, client_id=f"{name}-relay")
        self._tasks: list[asyncio.Task[None]] = []
        self.broker = KafkaBroker(
            self.settings.kafka_bootstrap_servers,
            client_id=name,
            acks="all",
            enable_idempotence=True,
            request_timeout_ms=REQUEST_TIMEOUT_MS,
            parser=tolerant_parser,
            middlewares=[
                inbox_middleware(
                    InboxSettings(name, pool=lambda: self.pool, publisher=lambda: self.publisher)
                )
            ],
            graceful_timeout=15.0,
        )
        for router in routers:
            self.broker.include_router(router)
        # The relay publishes; these publishers exist so the AsyncAPI document shows what
        # the service emits, channel by channel, with the envelope around each payload.
        for topic, payload in emits:
            self.broker.publisher(
                topic,
                title=f"{topic}:{payload.__name__}",
                schema=Envelope[payload],  # type: ignore[valid-type]
                description=payload.__doc__,
            )
        self.app = AsgiFastStream(
            self.broker,
            asgi_routes=[
                *health_routes(
                    {
                        "database": self._check_database,
                        "broker": self._check_broker,
                        "outbox": self._check_outbox,
                    }
                ),
                *extra_routes,
            ],
            on_startup=[self._startup],
            after_startup=[self._after_startup],
            after_shutdown=[self._shutdown],
        )

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError(f"{self.name}: the database pool is opened at start-up")
        return self._pool

    async def _startup(self) -> None:
        if self.configure_logging:
            configure_logging(
                self.name, level=self.settings.log_level, fmt=self.settings.log_format
            )
        self._pool = await create_pool(self.settings.database_url, schema=self.name)
        applied = await migrate(self._pool, *self.migrations)
        await ensure_topics(
            self.settings.kafka_bootstrap_servers,
            self.topics,
            partitions=self.settings.topic_partitions,
            replicas=self.settings.topic_replicas,
        )
        log.info("service_starting", migrations_applied=applied, topics=self.topics)

    async def _after_startup(self) -> None:
        relay = outbox.OutboxRelay(
            self.pool,
            self.publisher,
            service=self.name,
            batch=self.settings.outbox_batch,
            poll_s=self.settings.outbox_poll_s,
        )
        with structlog.contextvars.bound_contextvars(service=self.name):
            self._tasks.append(asyncio.create_task(relay.run(), name=f"{self.name}-outbox-relay"))
        for hook in self._on_ready:
            await hook(self)
        log.info("service_ready", http_port=self.settings.http_port)

    async def _shutdown(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.publisher.close()
        if self._pool is not None:
            await self._pool.close()
        log.info("service_stopped")

    async def _check_database(self) -> tuple[bool, Any]:
        return await self.pool.fetchval("SELECT 1") == 1, "reachable"

    async def _check_broker(self) -> tuple[bool, Any]:
        ok = await self.broker.ping(timeout=2.0)
        return bool(ok), "reachable" if ok else "unreachable"

    async def _check_outbox(self) -> tuple[bool, Any]:
        count, age = await outbox.backlog(self.pool)
        return age < MAX_OUTBOX_AGE_READY_S, {"backlog": count, "oldest_s": round(age, 1)}

    def asgi(self, api: Any = None) -> Any:
        """One ASGI app: health and metrics (and the service's lifespan) here, the rest to ``api``.

        ``api`` (e.g. a FastAPI app) gets every other path; it reads the pool and the
        outbox through this service, whose lifespan opens and closes them.
        """
        health_paths = {path for path, _ in self.app.routes}

        async def dispatch(scope: Any, receive: Any, send: Any) -> None:
            if api is None or scope["type"] == "lifespan" or scope.get("path") in health_paths:
                await self.app(scope, receive, send)
            else:
                await api(scope, receive, send)

        return dispatch

    def run(self, api: Any = None) -> None:
        """Serve the service (broker, relay, health, ``api``) with uvicorn until SIGINT/SIGTERM."""
        import uvicorn

        uvicorn.run(
            self.asgi(api),
            host=self.settings.http_host,
            port=self.settings.http_port,
            log_config=None,
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=20,
        )
