"""Backbone throughput on the real broker and database (a benchmark, not a test).

Prints: raw aiokafka produce and consume rates; outbox relay events/s and inbox
consumer events/s, each with its ratio to the raw loop on the same broker; and the
cost of envelope (de)serialisation, pydantic-core JSON vs json + model_validate.

Run: .venv/bin/python -m benchmarks.backbone_bench [N]
Uses KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL when set, else launches its own
Kafka and PostgreSQL in a temporary state folder.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from benchmarks.infra import bench_infrastructure
from shared import outbox
from shared.codec import encode
from shared.db import create_pool, migrate
from shared.envelope import Envelope, RawEnvelope
from shared.kafka import ensure_topics
from shared.publisher import Publisher
from tests.support.toy import Credited, credited, toy_service


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s ({count} in {seconds:.2f}s)"


async def raw_produce(bootstrap: str, topic: str, values: list[bytes]) -> float:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    try:
        started = time.perf_counter()
        futures = [
            await producer.send(topic, v, key=str(i % 50).encode()) for i, v in enumerate(values)
        ]
        await asyncio.gather(*futures)
        return time.perf_counter() - started
    finally:
        await producer.stop()


async def raw_consume(bootstrap: str, topic: str, count: int) -> float:
    """Consume one at a time and commit each offset: the same shape of work as the inbox."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"raw-{uuid.uuid4().hex[:6]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        seen = 0
        started = time.perf_counter()
        async for _ in consumer:
            await consumer.commit()
            seen += 1
            if seen == count:
                return time.perf_counter() - started
        raise RuntimeError("consumer ended early")
    finally:
        await consumer.stop()


async def relay_rate(bootstrap: str, database_url: str, topic: str, count: int) -> float:
    pool = await create_pool(database_url, schema="bench_writer")
    await migrate(pool)
    await pool.execute("TRUNCATE outbox")
    for start in range(0, count, 500):
        async with pool.acquire() as conn, conn.transaction():
            await outbox.enqueue_to(
                conn,
                [
                    (topic, credited(f"acct-{i % 50}", "1"))
                    for i in range(start, min(count, start + 500))
                ],
            )
    publisher = Publisher(bootstrap, client_id="bench-relay")
    relay = outbox.OutboxRelay(
        pool, publisher, service="bench_writer", database_url=database_url, batch=500
    )
    try:
        started = time.perf_counter()
        while await relay.publish_batch():
            pass
        return time.perf_counter() - started
    finally:
        await publisher.close()
        await pool.close()


async def inbox_rate(bootstrap: str, database_url: str, topic: str, count: int) -> float:
    service = toy_service(
        "bench_reader",
        source=topic,
        forward_to=None,
        bootstrap=bootstrap,
        database_url=database_url,
    )
    await service.start()
    try:
        await service.pool.executemany(
            "INSERT INTO accounts (account) VALUES ($1) ON CONFLICT DO NOTHING",
            [(f"acct-{i}",) for i in range(50)],
        )
        started = time.perf_counter()
        while await service.pool.fetchval("SELECT count(*) FROM inbox") < count:
            await asyncio.sleep(0.05)
        return time.perf_counter() - started
    finally:
        await service.stop()


def serialisation(count: int) -> None:
    events = [credited(f"acct-{i}", "12.5") for i in range(count)]
    blobs = [encode(e) for e in events]
    started = time.perf_counter()
    for e in events:
        e.model_dump_json()
    ours_out = time.perf_counter() - started
    started = time.perf_counter()
    for e in events:
        json.dumps(e.model_dump(mode="json")).encode()
    stdlib_out = time.perf_counter() - started
    started = time.perf_counter()
    for b in blobs:
        Envelope[Credited].model_validate_json(b)
    ours_in = time.perf_counter() - started
    started = time.perf_counter()
    for b in blobs:
        Envelope[Credited].model_validate(json.loads(b))
    stdlib_in = time.perf_counter() - started
    started = time.perf_counter()
    for b in blobs:
        RawEnvelope.model_validate_json(b)
    raw_in = time.perf_counter() - started
    print(f"serialise   pydantic model_dump_json        {count / ours_out:>12,.0f}/s")
    print(f"serialise   json.dumps(model_dump(json))    {count / stdlib_out:>12,.0f}/s")
    print(f"deserialise pydantic model_validate_json    {count / ours_in:>12,.0f}/s")
    print(f"deserialise json.loads + model_validate     {count / stdlib_in:>12,.0f}/s")
    print(f"deserialise envelope check (RawEnvelope)    {count / raw_in:>12,.0f}/s")


async def main(bootstrap: str, database_url: str, count: int) -> None:
    run = uuid.uuid4().hex[:6]
    raw_topic, relay_topic = f"bench.raw.{run}", f"bench.relay.{run}"
    await ensure_topics(bootstrap, [raw_topic, relay_topic], partitions=3)
    values = [encode(credited(f"acct-{i % 50}", "1")) for i in range(count)]
    produce_s = await raw_produce(bootstrap, raw_topic, values)
    consume_s = await raw_consume(bootstrap, raw_topic, count)
    relay_s = await relay_rate(bootstrap, database_url, relay_topic, count)
    inbox_s = await inbox_rate(bootstrap, database_url, relay_topic, count)
    print(f"raw aiokafka produce (acks=all, idempotent)   {_rate(count, produce_s)}")
    print(
        f"outbox relay (read, publish, mark)            {_rate(count, relay_s)}"
        f"  ratio to raw produce {produce_s / relay_s:.2f}"
    )
    print(f"raw aiokafka consume (commit per message)     {_rate(count, consume_s)}")
    print(
        f"inbox consumer (tx: inbox row + effect)       {_rate(count, inbox_s)}"
        f"  ratio to raw consume {consume_s / inbox_s:.2f}"
    )
    serialisation(count)
    conn = await asyncpg.connect(database_url)
    await conn.execute(
        "DROP SCHEMA IF EXISTS bench_writer CASCADE; DROP SCHEMA IF EXISTS bench_reader CASCADE"
    )
    await conn.close()


if __name__ == "__main__":
    with bench_infrastructure() as (bootstrap, database_url):
        asyncio.run(main(bootstrap, database_url, int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
