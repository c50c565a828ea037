"""Records a hostile sender can write, on the real broker, read by a plain AIOKafkaConsumer.

A header key that is not UTF-8 made aiokafka raise from ``getmany`` for ever (and lose
what it had drained of other partitions); a 1 MB key made its dead letter too large for
Kafka, retried for ever. Records are written here with aiokafka's pure Python batch
builder, byte for byte what ``kcat -H $'\\xff\\xfe=x'`` writes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.record.default_records import DefaultRecordBase

from shared import kafka_records
from shared.dlq import dead_letter_record, list_dead_letters
from shared.kafka import ensure_topics
from shared.kafka_records import original_bytes
from shared.publisher import Publisher
from tests.support.kafka import RawRecord, hostile_batch

BAD_KEY = b"\xff\xfe"
ONE_MB_KEY = b"k" * 1_048_338  # what kcat sent, with the value b"x"
HOSTILE: list[RawRecord] = [
    (b"a", b"valid before", [(b"trace", b"1")]),
    (b"b", b"bad header key", [(BAD_KEY, b"x"), (b"ok", None)]),
    (b"c", b"valid after", []),
]


@pytest.fixture(autouse=True)
def tolerant_records() -> None:
    kafka_records.install()  # what the consumer loop does at startup


@pytest.fixture
async def producer(bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


async def send_hostile_partition(
    producer: AIOKafkaProducer, topic: str, *, one_batch: bool, compression_type: int = 0
) -> None:
    """Partition 0: valid, bad header key, valid, 1 MB key; partition 1: plain records."""
    groups = [HOSTILE] if one_batch else [[r] for r in HOSTILE]
    for group in groups:
        batch = hostile_batch(producer, group, compression_type=compression_type)
        await (await producer.send_batch(batch, topic, partition=0))
    await producer.send_and_wait(topic, b"x", key=ONE_MB_KEY, partition=0)
    for i in range(3):
        await producer.send_and_wait(topic, f"other {i}".encode(), partition=1)


async def read(
    bootstrap: str, topic: str, expected: int, *, isolation_level: str = "read_uncommitted"
) -> dict[int, list[ConsumerRecord]]:
    """Everything a plain consumer hands out, by partition, until ``expected`` records came."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        isolation_level=isolation_level,
    )
    await consumer.start()
    got: dict[int, list[ConsumerRecord]] = {0: [], 1: []}
    try:
        tps = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 15
        while sum(map(len, got.values())) < expected and loop.time() < deadline:
            for tp, records in (await consumer.getmany(*tps, timeout_ms=300)).items():
                got[tp.partition] += records
    finally:
        await consumer.stop()
    return got


Seen = tuple[int, bytes | None, bytes | None, list[tuple[bytes, bytes | None]]]


def seen(records: list[ConsumerRecord]) -> list[Seen]:
    return [
        (r.offset, r.key, r.value, [(original_bytes(k), v) for k, v in r.headers]) for r in records
    ]


@pytest.mark.parametrize(
    ("one_batch", "compression_type"),
    [(True, 0), (False, 0), (True, DefaultRecordBase.CODEC_GZIP)],
    ids=["one batch", "a batch each", "one gzip batch"],
)
async def test_a_plain_consumer_hands_out_every_record_in_order_with_its_bytes(
    bootstrap: str, topic: str, producer: AIOKafkaProducer, one_batch: bool, compression_type: int
) -> None:
    await ensure_topics(bootstrap, [topic], partitions=2, with_dead_letters=False)
    await send_hostile_partition(
        producer, topic, one_batch=one_batch, compression_type=compression_type
    )

    got = await read(bootstrap, topic, expected=7)

    assert seen(got[0]) == [
        (0, b"a", b"valid before", [(b"trace", b"1")]),
        (1, b"b", b"bad header key", [(BAD_KEY, b"x"), (b"ok", None)]),
        (2, b"c", b"valid after", []),
        (3, ONE_MB_KEY, b"x", []),
    ]
    # Drained in the same getmany calls: without the change these were lost.
    assert [r.value for r in got[1]] == [b"other 0", b"other 1", b"other 2"]


async def test_transactions_and_control_batches_still_hold_under_read_committed(
    bootstrap: str, topic: str
) -> None:
    await ensure_topics(bootstrap, [topic], partitions=2, with_dead_letters=False)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, transactional_id=f"{topic}-tx", acks="all"
    )
    await producer.start()
    try:
        for commit, value in ((True, b"committed"), (False, b"aborted")):
            await producer.begin_transaction()
            records: list[RawRecord] = [(b"k", value, [(BAD_KEY, b"x")]), (b"k", value + b"!", [])]
            batch = hostile_batch(producer, records, transactional=True)
            await (await producer.send_batch(batch, topic, partition=0))
            await (producer.commit_transaction() if commit else producer.abort_transaction())
        async with producer.transaction():
            await producer.send_and_wait(topic, b"last", key=b"k", partition=0)
    finally:
        await producer.stop()

    got = await read(bootstrap, topic, expected=3, isolation_level="read_committed")

    # 2 and 5 hold the control markers, 3-4 the aborted transaction.
    assert [(r.offset, r.value) for r in got[0]] == [
        (0, b"committed"),
        (1, b"committed!"),
        (6, b"last"),
    ]
    assert original_bytes(got[0][0].headers[0][0]) == BAD_KEY


@pytest.mark.parametrize("offset", [1, 3], ids=["bad header key", "1 MB key"])
async def test_the_dead_letter_of_a_hostile_record_is_accepted_by_the_broker(
    bootstrap: str, topic: str, producer: AIOKafkaProducer, offset: int
) -> None:
    await ensure_topics(bootstrap, [topic], partitions=2)
    await send_hostile_partition(producer, topic, one_batch=True)
    [hostile] = [r for r in (await read(bootstrap, topic, expected=7))[0] if r.offset == offset]
    letter = dead_letter_record(
        topic=hostile.topic,
        partition=hostile.partition,
        offset=hostile.offset,
        key=hostile.key,
        value=hostile.value or b"",
        headers=list(hostile.headers),
        reason="malformed_envelope",
        error="not an envelope",
        attempts=1,
        consumer="test",
    )
    publisher = Publisher(bootstrap, client_id="test-dlq")
    try:
        async with asyncio.timeout(30):
            await publisher.publish([letter])  # acks=all, idempotent
    finally:
        await publisher.close()

    [dead] = await list_dead_letters(bootstrap, topic)

    assert (dead.topic, dead.partition, dead.offset) == (topic, 0, offset)
    if offset == 1:
        assert dead.truncated == ()
        assert (dead.key, dead.value) == (b"b", b"bad header key")
        assert [(original_bytes(k), v) for k, v in dead.headers] == [
            (BAD_KEY, b"x"),
            (b"ok", None),
        ]
    else:
        assert dead.truncated == ("value", "key")
        assert dead.key is not None
        assert dead.key.startswith(b"vault.dlq.key-sha256:")
