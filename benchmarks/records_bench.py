"""What ``shared.kafka_records`` costs a plain consumer (a benchmark, not a test).

Prints records/s through ``getmany`` over one topic of small records, with aiokafka as it
comes and with ``kafka_records.install()``, alternating in one run, and the medians; then
the rate through a topic where every record has a header key that is not UTF-8 (the
re-read path, which aiokafka alone cannot read at all).

Run: .venv/bin/python -m benchmarks.records_bench [RECORDS] [ROUNDS]
Uses KAFKA_BOOTSTRAP_SERVERS when set, else launches its own Kafka (and PostgreSQL).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import sys
import time
import uuid
from collections.abc import Iterator

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.consumer import fetcher

from benchmarks.infra import bench_infrastructure
from shared import kafka_records
from shared.kafka import ensure_topics
from tests.support.kafka import RawRecord, hostile_batch


@contextlib.contextmanager
def kafka() -> Iterator[str]:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if bootstrap:
        yield bootstrap
        return
    with bench_infrastructure() as (launched, _):
        yield launched


async def fill(bootstrap: str, topic: str, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=20)
    await producer.start()
    try:
        futures = [
            await producer.send(
                topic, b"v" * 100, key=str(i % 50).encode(), headers=[("h", b"1")], partition=0
            )
            for i in range(count)
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def fill_hostile(bootstrap: str, topic: str, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1)
    await producer.start()
    try:
        for start in range(0, count, 500):
            size = min(500, count - start)
            records: list[RawRecord] = [(b"k", b"v" * 100, [(b"\xff\xfe", b"1")])] * size
            await (await producer.send_batch(hostile_batch(producer, records), topic, partition=0))
    finally:
        await producer.stop()


async def consume(bootstrap: str, topic: str, count: int) -> float:
    """Seconds to read ``count`` records through getmany, from the start of partition 0."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        await consumer.getmany(tp, timeout_ms=1000, max_records=1)  # connected, first fetch in
        await consumer.seek_to_beginning(tp)
        seen = 0
        started = time.perf_counter()
        while seen < count:
            for records in (await consumer.getmany(tp, timeout_ms=1000)).values():
                seen += len(records)
        return time.perf_counter() - started
    finally:
        await consumer.stop()


def decode_only(count: int, rounds: int) -> None:
    """The fetcher's own work, without the network: PartitionRecords over fetched bytes."""
    raw = b"".join(
        kafka_records.batch_bytes([(b"k", b"v" * 100, [(b"h", b"1")])] * 500, base_offset=start)
        for start in range(0, count, 500)
    )
    rates: dict[str, list[float]] = {"aiokafka": [], "with kafka_records": []}
    for round_ in range(rounds):
        for name in in_turn(rates, round_):
            switch(name)
            parts = fetcher.PartitionRecords(
                TopicPartition("t", 0), fetcher.MemoryRecords(raw), [], 0, None, None, True, 0
            )
            started = time.perf_counter()
            seen = sum(1 for _ in parts)
            rates[name].append(seen / (time.perf_counter() - started))
    report("decoding fetched bytes", rates)


def in_turn(rates: dict[str, list[float]], round_: int) -> list[str]:
    """A B, then B A: neither always runs first (warm caches, a busy neighbour)."""
    names = list(rates)
    return names if round_ % 2 == 0 else names[::-1]


def switch(name: str) -> None:
    if name == "aiokafka":
        kafka_records.uninstall()
    else:
        kafka_records.install()


def report(what: str, rates: dict[str, list[float]]) -> None:
    medians = {name: statistics.median(values) for name, values in rates.items()}
    print(f"{what}, medians over {len(rates['aiokafka'])} alternating rounds:")
    for name, median in medians.items():
        spread = f"{min(rates[name]):,.0f}-{max(rates[name]):,.0f}"
        print(f"{name:>22}: {median:,.0f} records/s (runs {spread})")
    print(f"{'ratio':>22}: {medians['with kafka_records'] / medians['aiokafka']:.3f}")


async def main(count: int, rounds: int) -> None:
    decode_only(count, rounds)
    with kafka() as bootstrap:
        run = uuid.uuid4().hex[:6]
        topic, hostile = f"bench.records.{run}", f"bench.hostile.{run}"
        await ensure_topics(bootstrap, [topic, hostile], partitions=1, with_dead_letters=False)
        await fill(bootstrap, topic, count)
        rates: dict[str, list[float]] = {"aiokafka": [], "with kafka_records": []}
        for round_ in range(rounds):
            for name in in_turn(rates, round_):
                switch(name)
                rates[name].append(count / await consume(bootstrap, topic, count))
        report("getmany from the broker", rates)

        hostile_count = max(1, count // 10)
        await fill_hostile(bootstrap, hostile, hostile_count)
        kafka_records.install()
        seconds = await consume(bootstrap, hostile, hostile_count)
        print(f"{'every key hostile':>22}: {hostile_count / seconds:,.0f} records/s")


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(arguments + [200_000, 7][len(arguments) :])))
