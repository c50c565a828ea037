"""The launched broker is a real Apache Kafka: idempotence, transactions, group rebalancing."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition

from tests.support.kafka import create_topic, read_all


async def test_idempotent_producer_with_acks_all_delivers_every_message_once_in_key_order(
    bootstrap: str, topic: str
) -> None:
    await create_topic(bootstrap, topic, partitions=3)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for seq in range(200):
            await producer.send(topic, key=f"order-{seq % 7}".encode(), value=str(seq).encode())
        await producer.flush()
    finally:
        await producer.stop()

    records = await read_all(bootstrap, topic, 200)
    assert len(records) == 200
    per_key: dict[bytes | None, list[int]] = defaultdict(list)
    for key, value in records:
        per_key[key].append(int(value))
    assert all(seqs == sorted(seqs) for seqs in per_key.values())
    assert sorted(int(v) for _, v in records) == list(range(200))


async def test_read_committed_consumer_sees_committed_transactions_and_never_aborted_ones(
    bootstrap: str, topic: str
) -> None:
    await create_topic(bootstrap, topic)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, transactional_id=f"tx-{topic}")
    await producer.start()
    try:
        async with producer.transaction():
            await producer.send(topic, b"committed-1")
        await producer.begin_transaction()
        await producer.send(topic, b"aborted")
        await producer.abort_transaction()
        async with producer.transaction():
            await producer.send(topic, b"committed-2")
    finally:
        await producer.stop()

    committed = await read_all(bootstrap, topic, 2, isolation_level="read_committed")
    assert [v for _, v in committed] == [b"committed-1", b"committed-2"]
    # The aborted record is in the log: only the transaction markers hide it.
    everything = await read_all(bootstrap, topic, 3, isolation_level="read_uncommitted")
    assert b"aborted" in [v for _, v in everything]


async def _assignment_size(
    consumer: AIOKafkaConsumer, size: int, timeout_s: float = 30.0
) -> set[TopicPartition]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        await consumer.getmany(timeout_ms=200)
        if len(consumer.assignment()) == size:
            return set(consumer.assignment())
    raise AssertionError(
        f"assignment stayed at {consumer.assignment()} instead of {size} partitions"
    )


async def test_consumer_group_rebalances_partitions_between_two_members_and_back(
    bootstrap: str, topic: str
) -> None:
    await create_topic(bootstrap, topic, partitions=4)
    settings = {
        "bootstrap_servers": bootstrap,
        "group_id": f"g-{topic}",
        "enable_auto_commit": False,
        "session_timeout_ms": 6000,
        "heartbeat_interval_ms": 500,
    }
    first = AIOKafkaConsumer(topic, **settings)
    await first.start()
    try:
        assert len(await _assignment_size(first, 4)) == 4
        second = AIOKafkaConsumer(topic, **settings)
        await second.start()
        try:
            mine, theirs = await asyncio.gather(
                _assignment_size(first, 2), _assignment_size(second, 2)
            )
            assert mine.isdisjoint(theirs)
            assert len(mine | theirs) == 4
        finally:
            await second.stop()
        assert len(await _assignment_size(first, 4)) == 4
    finally:
        await first.stop()
