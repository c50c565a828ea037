"""Small Kafka helpers for tests: create topics, read everything back."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.record.default_records import _DefaultRecordBatchBuilderPy

from shared.kafka import ensure_topics
from shared.kafka_records import RawHeaderKey
from shared.kafka_security import client_kwargs


async def create_topic(
    bootstrap: str,
    name: str,
    *,
    partitions: int = 1,
    replicas: int = 1,
    configs: dict[str, str] | None = None,
) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **client_kwargs())
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, partitions, replicas, topic_configs=configs or {})]
        )
    finally:
        await admin.close()


async def read_all(
    bootstrap: str,
    topic: str,
    expected: int,
    *,
    timeout_s: float = 20.0,
    isolation_level: str = "read_uncommitted",
) -> list[tuple[bytes | None, bytes]]:
    """Read ``topic`` from the start until ``expected`` records (or the timeout) have come."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level=isolation_level,
        group_id=None,
        **client_kwargs(),
    )
    await consumer.start()
    records: list[tuple[bytes | None, bytes]] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while len(records) < expected and loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for messages in batch.values():
                records.extend((m.key, m.value) for m in messages)
        # One more short poll, so that an unexpected extra record is seen too.
        for messages in (await consumer.getmany(timeout_ms=300)).values():
            records.extend((m.key, m.value) for m in messages)
    finally:
        await consumer.stop()
    return records


async def partitions(bootstrap: str, topic_names: tuple[str, ...]) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **client_kwargs())
    await admin.start()
    try:
        described = await admin.describe_topics(list(topic_names))
    finally:
        await admin.close()
    return sorted(
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        for partition in topic["partitions"]
    )


async def start_group_at_end(bootstrap: str, group: str, topic_names: tuple[str, ...]) -> None:
    """Commit the group's offsets at the current end of each topic: it reads only what follows.

    Topic names are fixed and the session broker is shared, so a service under test
    must not pick up what other tests left on its input topics.
    """
    await ensure_topics(bootstrap, topic_names)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        tps = await partitions(bootstrap, topic_names)
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        await consumer.commit(dict(ends))
    finally:
        await consumer.stop()


RawRecord = tuple[bytes | None, bytes | None, list[tuple[bytes, bytes | None]]]


def hostile_batch(
    producer: AIOKafkaProducer,
    records: list[RawRecord],
    *,
    compression_type: int = 0,
    transactional: bool = False,
) -> Any:
    """A batch for ``producer.send_batch`` whose header keys are any bytes, as kcat writes them.

    aiokafka's producer encodes header keys as strict UTF-8 in its C builder; its pure
    Python builder, given a key whose ``encode`` returns the bytes, writes them as they are.
    """
    batch = producer.create_batch()
    builder = _DefaultRecordBatchBuilderPy(
        2, compression_type, int(transactional), -1, -1, 0, 1 << 30
    )
    batch._builder = builder
    # The sender stamps idempotent and transactional batches through this one method.
    batch._set_producer_state = builder.set_producer_state
    for key, value, headers in records:
        raw_headers = [(RawHeaderKey(k), v) for k, v in headers]
        batch.append(timestamp=None, key=key, value=value, headers=raw_headers)
    return batch
