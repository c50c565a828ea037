"""The inbox: each event's effects and its id commit in one transaction, then the offset.

A FastStream middleware wraps every subscriber of a service's broker:
- the envelope is checked first; malformed messages and unknown major versions
  go to ``<topic>.dlq`` with the reason, and the consumer moves on;
- the handler runs inside a transaction that also inserts the event id into
  ``inbox``: a redelivered event finds its id and changes nothing;
- transient failures (database or broker down) are retried with capped
  exponential backoff, in place, so later events of the partition wait and
  per-key order holds; a handler that keeps failing for another reason is
  dead-lettered after ``max_attempts``;
- the offset is committed (manual ack) only after the transaction commits or
  the dead letter is acknowledged by the broker.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
import asyncpg.exceptions._base as asyncpg_base
import structlog
from aiokafka import TopicPartition
from aiokafka.errors import KafkaError
from fast_depends import Depends
from faststream import BaseMiddleware
from faststream.middlewares import AckPolicy
from pydantic import ValidationError

from shared import metrics
from shared.codec import PoisonMessage, decode_raw
from shared.db import Connection
from shared.dlq import dead_letter_record, truncated
from shared.envelope import current_event
from shared.publisher import Publisher

log = structlog.get_logger("consumer")

_connection: contextvars.ContextVar[Connection | None] = contextvars.ContextVar(
    "inbox_connection", default=None
)


def current_connection() -> Connection:
    conn = _connection.get()
    if conn is None:
        raise RuntimeError("no inbox transaction: handlers run only inside the inbox middleware")
    return conn


# A handler parameter annotated ``Tx`` receives the inbox transaction's connection.
Tx = Annotated[Connection, Depends(current_connection, use_cache=False, cast=False)]

TRANSIENT: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,  # e.g. a pooled connection closed under us
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    ConnectionError,
    OSError,
    TimeoutError,
    KafkaError,
)
# Client-side errors that look like InterfaceError but no retry can fix: a value the
# driver cannot encode (e.g. an integer too large for its column) is a poison message.
NEVER_TRANSIENT: tuple[type[BaseException], ...] = (
    asyncpg_base.DataError,
    asyncpg.ClientConfigurationError,
    asyncpg.UnsupportedClientFeatureError,
)


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT) and not isinstance(exc, NEVER_TRANSIENT)


@dataclass
class InboxSettings:
    service: str
    pool: Callable[[], asyncpg.Pool]
    publisher: Callable[[], Publisher]
    max_attempts: int = 5
    base_backoff_s: float = 0.2
    max_backoff_s: float = 30.0


def _readable(value: bytes | None) -> bytes:
    return b"" if value is None else value.decode("utf-8", "replace").encode()


async def tolerant_parser(record: Any, original_parser: Callable[[Any], Awaitable[Any]]) -> Any:
    """FastStream's parser with header values it can always decode.

    FastStream decodes every header as UTF-8 before any middleware runs; a null or
    non-UTF-8 header value from an untrusted sender would make it skip the message
    without a dead letter, and the next commit would move past it for good. The
    parsed message keeps the original record, so a dead letter keeps its real bytes.
    """
    headers = tuple(record.headers or ())
    readable = tuple((k, _readable(v)) for k, v in headers)
    if readable == headers:
        return await original_parser(record)
    clean = dataclasses.replace(record, headers=readable)
    if hasattr(record, "consumer"):
        clean.consumer = record.consumer
    message = await original_parser(clean)
    message.raw_message = record
    return message


def subscription(service: str) -> dict[str, Any]:
    """Keyword arguments every subscriber of ``service`` uses: its group, manual commits.

    ``no_reply``: FastStream would otherwise publish a handler's result to any topic an
    incoming ``reply_to`` header names, which untrusted senders could aim anywhere.
    """
    return {
        "group_id": service,
        "no_reply": True,
        "ack_policy": AckPolicy.MANUAL,
        "auto_offset_reset": "earliest",
        "session_timeout_ms": 10_000,
        "heartbeat_interval_ms": 1_000,
    }


def backoff(attempt: int, base_s: float, cap_s: float) -> float:
    """Capped exponential backoff with jitter, so that replicas do not retry in step."""
    ceiling: float = min(cap_s, base_s * 2 ** (attempt - 1))
    return ceiling / 2 + random.random() * ceiling / 2  # noqa: S311 - jitter, not security


def _record_lag(service: str, msg: Any, record: Any) -> None:
    """Records behind the partition's end, from the high watermark the last fetch reported."""
    highwater = getattr(getattr(msg, "consumer", None), "highwater", None)
    if highwater is None:
        return
    end = highwater(TopicPartition(record.topic, record.partition))
    if end is not None:
        metrics.CONSUMER_LAG.labels(service, record.topic, str(record.partition)).set(
            max(0, end - record.offset - 1)
        )


def inbox_middleware(settings: InboxSettings) -> Callable[..., BaseMiddleware]:
    def factory(msg: Any, /, **kwargs: Any) -> BaseMiddleware:
        return _Inbox(msg, settings=settings, **kwargs)

    return factory


class _Inbox(BaseMiddleware):
    def __init__(self, msg: Any, /, *, settings: InboxSettings, **kwargs: Any) -> None:
        super().__init__(msg, **kwargs)
        self.settings = settings

    async def consume_scope(self, call_next: Callable[[Any], Awaitable[Any]], msg: Any) -> Any:
        record = msg.raw_message
        topic, service = record.topic, self.settings.service
        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(
            service=service, topic=topic, partition=record.partition, offset=record.offset
        ):
            outcome = await self._consume(call_next, msg, record)
            await msg.ack()
        metrics.MESSAGES_IN.labels(service, topic, outcome).inc()
        _record_lag(service, msg, record)
        metrics.HANDLER_SECONDS.labels(service, topic).observe(time.perf_counter() - started)
        return None

    async def _consume(
        self, call_next: Callable[[Any], Awaitable[Any]], msg: Any, record: Any
    ) -> str:
        try:
            raw = decode_raw(record.value)
        except PoisonMessage as poison:
            await self._dead_letter(record, poison.reason, str(poison), attempts=1)
            return "dead_lettered"
        token = current_event.set(raw)
        try:
            with structlog.contextvars.bound_contextvars(
                event_id=str(raw.event_id),
                event_type=raw.type,
                correlation_id=raw.correlation_id,
                order_id=raw.key,
            ):
                return await self._apply_with_retries(
                    call_next, msg, record, raw.event_id, raw.type
                )
        finally:
            current_event.reset(token)

    async def _apply_with_retries(
        self,
        call_next: Callable[[Any], Awaitable[Any]],
        msg: Any,
        record: Any,
        event_id: Any,
        event_type: str,
    ) -> str:
        s = self.settings
        attempt = 0
        failures = 0  # only failures of the handler itself count towards dead-lettering
        while True:
            attempt += 1
            try:
                return await self._apply_once(call_next, msg, record, event_id, event_type)
            except (PoisonMessage, ValidationError) as exc:
                reason = exc.reason if isinstance(exc, PoisonMessage) else "invalid_payload"
                await self._dead_letter(record, reason, str(exc), attempts=attempt)
                return "dead_lettered"
            except Exception as exc:
                if is_transient(exc):
                    # Retried without limit: the event is fine, the world is not (yet).
                    delay = backoff(attempt, s.base_backoff_s, s.max_backoff_s)
                    log.warning(
                        "handler_transient_failure",
                        attempt=attempt,
                        retry_in_s=round(delay, 2),
                        error=repr(exc),
                    )
                    metrics.RETRIES.labels(s.service, record.topic).inc()
                    await asyncio.sleep(delay)
                    continue
                failures += 1
                if failures >= s.max_attempts:
                    log.error("handler_failed_dead_lettering", attempt=attempt, error=repr(exc))
                    await self._dead_letter(record, "handler_error", repr(exc), attempts=attempt)
                    return "dead_lettered"
                delay = backoff(failures, s.base_backoff_s, s.max_backoff_s)
                log.warning(
                    "handler_failed", attempt=attempt, retry_in_s=round(delay, 2), error=repr(exc)
                )
            metrics.RETRIES.labels(s.service, record.topic).inc()
            await asyncio.sleep(delay)

    async def _apply_once(
        self,
        call_next: Callable[[Any], Awaitable[Any]],
        msg: Any,
        record: Any,
        event_id: Any,
        event_type: str,
    ) -> str:
        pool = self.settings.pool()
        async with pool.acquire() as conn, conn.transaction():
            first_time = await conn.fetchval(
                "INSERT INTO inbox (consumer, event_id, event_type, topic, partition, kafka_offset) "
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING true",
                self.settings.service,
                event_id,
                event_type,
                record.topic,
                record.partition,
                record.offset,
            )
            if not first_time:
                log.info("event_already_applied")
                return "duplicate"
            token = _connection.set(conn)
            try:
                await call_next(msg)
            finally:
                _connection.reset(token)
        return "processed"

    async def _dead_letter(self, record: Any, reason: str, error: str, *, attempts: int) -> None:
        dead = dead_letter_record(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            value=record.value or b"",
            headers=list(record.headers or []),
            reason=reason,
            error=error,
            attempts=attempts,
            consumer=self.settings.service,
        )
        attempt = 0
        while True:  # the offset must not move on before the dead letter is safe
            attempt += 1
            try:
                await self.settings.publisher().publish([dead])
                break
            except Exception as exc:
                if isinstance(exc, KafkaError) and not exc.retriable and dead.value:
                    # Kafka will never take it (e.g. too large with our headers): keep the
                    # reason and where the original lies, not its bytes, rather than block.
                    log.error("dead_letter_truncated", error=repr(exc))
                    dead = truncated(dead, repr(exc))
                    continue
                delay = backoff(attempt, self.settings.base_backoff_s, self.settings.max_backoff_s)
                log.warning(
                    "dead_letter_publish_failed", error=repr(exc), retry_in_s=round(delay, 2)
                )
                await asyncio.sleep(delay)
        metrics.DEAD_LETTERS.labels(self.settings.service, record.topic, reason).inc()
        log.warning("dead_lettered", reason=reason, error=error[:500], attempts=attempts)
