"""A service's consume loop against hostile records and failing handlers, on the real broker.

Issue 13's findings about the consumer, each end to end through a (toy) service:
1. a header key that is not UTF-8 on a valid envelope blocked its partition for good;
2. a key of about 1 MB made a dead letter Kafka refused, retried for ever, and the one
   consumer held every partition;
3. neither block showed: lag stayed 0 and readiness green;
9. a handler retried in place stalled every partition the consumer held (past
   ``max_poll_interval``, churning the group), and its backoff overflowed at attempt 1,025.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.record.default_records import DefaultRecordBase

from shared.codec import encode
from shared.consumer.retry import backoff
from shared.dlq import list_dead_letters
from shared.service import Service
from tests.support.kafka import RawRecord, hostile_batch
from tests.support.toy import credited, toy_service
from tests.support.waiting import eventually

BAD_HEADER_KEY = b"\xff\xfe"  # kcat -H $'\xff\xfe=x'
ONE_MB_KEY = b"k" * 1_048_338  # what kcat sent, with the value b"x"


@pytest.fixture
async def producer(bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


def _toy(bootstrap: str, database_url: str, topic: str) -> Service:
    service = toy_service(
        "toy", source=topic, forward_to=None, bootstrap=bootstrap, database_url=database_url
    )
    # Lag and stalls measured often, so that a test sees them in seconds, not minutes.
    settings = dataclasses.replace(service.consumer.settings, lag_every_s=0.2, stalled_after_s=1.0)
    service.consumer.settings = settings
    return service


async def _started(service: Service, *accounts: str) -> Service:
    await service.start()
    await service.pool.executemany(
        "INSERT INTO accounts (account) VALUES ($1)", [(a,) for a in accounts]
    )
    return service


async def _applied(service: Service, account: str) -> int:
    found = await service.pool.fetchval("SELECT applied FROM accounts WHERE account = $1", account)
    return int(found or 0)


async def _send(producer: AIOKafkaProducer, topic: str, account: str, partition: int) -> None:
    event = credited(account, "1")
    await producer.send_and_wait(topic, encode(event), key=account.encode(), partition=partition)


@pytest.mark.parametrize(
    ("one_batch", "compression"),
    [
        (True, 0),
        (False, 0),
        (True, DefaultRecordBase.CODEC_GZIP),
        (True, DefaultRecordBase.CODEC_LZ4),
    ],
    ids=["one batch", "a batch each", "gzip", "lz4"],
)
async def test_1_a_header_key_that_is_not_utf8_neither_blocks_its_partition_nor_loses_the_event(
    bootstrap: str,
    database_url: str,
    topic: str,
    producer: AIOKafkaProducer,
    one_batch: bool,
    compression: int,
) -> None:
    service = await _started(_toy(bootstrap, database_url, topic), "a", "b", "c")
    try:
        records: list[RawRecord] = [
            (b"a", encode(credited("a", "1")), [(b"trace", b"1")]),
            (b"b", encode(credited("b", "2")), [(BAD_HEADER_KEY, b"x"), (b"ok", None)]),
            (b"c", encode(credited("c", "3")), []),
        ]
        for group in [records] if one_batch else [[r] for r in records]:
            batch = hostile_batch(producer, group, compression_type=compression)
            await (await producer.send_batch(batch, topic, partition=0))

        async def all_applied() -> bool:
            return [await _applied(service, a) for a in "abc"] == [1, 1, 1]

        await eventually(all_applied, timeout_s=10, what="the three events applied")
    finally:
        await service.stop()
    assert await list_dead_letters(bootstrap, topic, timeout_s=2) == []


async def test_2_a_1_mb_key_is_dead_lettered_and_no_partition_waits_for_it(
    bootstrap: str, database_url: str, topic: str, producer: AIOKafkaProducer
) -> None:
    service = await _started(_toy(bootstrap, database_url, topic), "a", "b", "c")
    try:
        await producer.send_and_wait(topic, b"x", key=ONE_MB_KEY, partition=0)
        started = time.monotonic()
        for partition, account in enumerate("abc"):
            await _send(producer, topic, account, partition)

        async def all_applied() -> bool:
            return [await _applied(service, a) for a in "abc"] == [1, 1, 1]

        await eventually(all_applied, timeout_s=10, what="every partition applied")
        took = time.monotonic() - started
    finally:
        await service.stop()
    [letter] = await list_dead_letters(bootstrap, topic)
    assert (letter.partition, letter.offset, letter.reason) == (0, 0, "malformed")
    assert letter.truncated == ("value", "key")
    assert letter.key is not None
    assert letter.key.startswith(b"vault.dlq.key-sha256:")
    assert took < 5, f"the partitions waited {took:.1f} s"


async def _readiness(service: Service) -> tuple[int, dict[str, object]]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.asgi()), base_url="http://toy"
    ) as http:
        ready = await http.get("/health/ready")
        metrics = await http.get("/metrics")
    body = ready.json()
    body["metrics"] = metrics.text
    return ready.status_code, body


def _gauge(metrics: str, name: str, topic: str, partition: int) -> float:
    wanted = f'{name}{{partition="{partition}",service="toy",topic="{topic}"}} '
    for line in metrics.splitlines():
        if line.startswith(wanted):
            return float(line.split()[-1])
    raise AssertionError(f"{wanted.strip()} not in /metrics")


async def test_3_a_partition_that_makes_no_progress_shows_as_lag_a_stalled_time_and_not_ready(
    bootstrap: str, database_url: str, topic: str, producer: AIOKafkaProducer
) -> None:
    service = await _started(_toy(bootstrap, database_url, topic), "a", "b")
    blocker = await asyncpg.connect(database_url)
    try:
        # The handler's UPDATE waits on this row lock: a handler that does not come back.
        held = blocker.transaction()
        await held.start()
        await blocker.execute("SELECT * FROM toy.accounts WHERE account = 'a' FOR UPDATE")
        for _ in range(3):
            await _send(producer, topic, "a", 0)

        async def stalled() -> bool:
            return bool(service.consumer.stalled())

        await eventually(stalled, timeout_s=10, what="partition 0 reported stalled")
        # Sent once partition 0 is stuck, so that it is fetched apart from it. (Records of
        # several partitions fetched together are applied in one transaction: one that
        # never comes back holds the others of its batch too, and each shows as stalled.)
        await _send(producer, topic, "b", 1)

        async def other_went_on() -> bool:
            return await _applied(service, "b") == 1

        await eventually(other_went_on, timeout_s=10, what="partition 1 applied")
        status, body = await _readiness(service)
        metrics = str(body.pop("metrics"))
        assert status == 503
        checks = body["checks"]
        assert isinstance(checks, dict)
        assert checks["consumer"]["ok"] is False
        assert list(checks["consumer"]["detail"]["stalled_s"]) == [f"{topic}/0"]
        assert _gauge(metrics, "vault_consumer_lag", topic, 0) == 3
        assert _gauge(metrics, "vault_consumer_stalled_seconds", topic, 0) >= 1
        assert _gauge(metrics, "vault_consumer_stalled_seconds", topic, 1) == 0
        assert await _applied(service, "b") == 1  # the other partition went on

        await held.rollback()

        async def recovered() -> bool:
            return await _applied(service, "a") == 3 and (await _readiness(service))[0] == 200

        await eventually(recovered, timeout_s=15, what="partition 0 applied and ready again")
        _, body = await _readiness(service)
        assert _gauge(str(body["metrics"]), "vault_consumer_lag", topic, 0) == 0
    finally:
        await blocker.close()
        await service.stop()


def test_9_backoff_never_overflows_however_long_the_outage() -> None:
    for attempt in (1_024, 1_025, 10**6, 10**18):
        assert 15.0 <= backoff(attempt, 0.2, 30.0) <= 30.0


async def test_9_a_partition_retrying_a_failing_handler_holds_up_no_other_and_the_group_holds(
    bootstrap: str, database_url: str, topic: str, producer: AIOKafkaProducer
) -> None:
    service = _toy(bootstrap, database_url, topic)
    # A short poll interval: a loop that stopped polling while a handler retried in place
    # would be put out of the group within the test.
    service.consumer._client_factory = functools.partial(
        AIOKafkaConsumer, max_poll_interval_ms=2_000
    )
    service.consumer.settings = dataclasses.replace(
        service.consumer.settings, max_attempts=1_000, base_backoff_s=0.2, max_backoff_s=0.5
    )
    with structlog.testing.capture_logs() as logs:
        await _started(service, "b", "c")
        try:
            await _send(producer, topic, "ghost", 0)  # an unknown account: the handler raises
            await asyncio.sleep(1.0)
            waits = []
            for partition, account in ((1, "b"), (2, "c"), (1, "b"), (2, "c")):
                sent = time.monotonic()
                before = await _applied(service, account)
                await _send(producer, topic, account, partition)

                async def applied(account: str = account, before: int = before) -> bool:
                    return await _applied(service, account) > before

                await eventually(applied, timeout_s=5, what=f"{account} applied")
                waits.append(time.monotonic() - sent)
            await asyncio.sleep(3.0)  # past max_poll_interval, still retrying
            retries = [e for e in logs if e.get("event") == "handler_failed"]
        finally:
            await service.stop()
    assert max(waits) < 1.0, waits
    assert len(retries) >= 5
    # One assignment at start, none after: the member never left the group.
    assert len([e for e in logs if e.get("event") == "partitions_assigned"]) == 1
