"""A batch of 100 on the real broker and database: one poison, then the same batch again.

The records are produced before the consumer starts, so its first fetch brings the whole
partition at once and the engine applies it as one batch (the batch-size histogram says so).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from prometheus_client import REGISTRY

from shared.codec import encode
from shared.db import create_pool, migrate
from shared.dlq import list_dead_letters
from shared.envelope import Envelope, new_event
from shared.service import Service
from shared.topics import dead_letter_topic
from tests.support.toy import Credited, credited, toy_service
from tests.support.waiting import eventually

ACCOUNTS = ("a", "b", "c", "d", "e")
POISON_AT = 50


async def _one_partition_topic(bootstrap: str, topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 1, 1), NewTopic(dead_letter_topic(topic), 1, 1)])
    finally:
        await admin.close()


async def _produce(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=50
    )
    await producer.start()
    try:
        for key, value in records:
            await producer.send(topic, value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


async def _rewind(bootstrap: str, group: str, topic: str) -> None:
    """Move the service's committed offset back to the start, as an operator's reset does."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, 0)])
        await consumer.commit({TopicPartition(topic, 0): 0})
    finally:
        await consumer.stop()


def _batch() -> tuple[list[Envelope[Credited]], bytes]:
    """Twenty credits per account, interleaved, amounts rising per account; and one poison."""
    good = [credited(account, str(n + 1), key=account) for n in range(20) for account in ACCOUNTS][
        : 100 - 1
    ]
    poison = new_event(
        Credited.model_construct(account="a", amount=Decimal("-1")), key="a", producer="test"
    )
    return good, encode(poison)


@pytest.fixture
async def name(request: pytest.FixtureRequest) -> str:
    return f"toy_batch_{abs(hash(request.node.nodeid)) % 10**8}"


async def _started(name: str, bootstrap: str, database_url: str, topic: str) -> Service:
    service = toy_service(
        name, source=topic, forward_to=None, bootstrap=bootstrap, database_url=database_url
    )
    await service.start()
    return service


@pytest.fixture
async def accounts_ready(name: str, bootstrap: str, database_url: str, topic: str) -> None:
    """The toy's database with its accounts, before any record arrives."""
    await _one_partition_topic(bootstrap, topic)
    service = toy_service(
        name, source=topic, forward_to=None, bootstrap=bootstrap, database_url=database_url
    )
    pool = await create_pool(database_url, schema=name)
    try:
        await migrate(pool, *service.migrations)
        await pool.executemany(
            "INSERT INTO accounts (account) VALUES ($1)", [(a,) for a in ACCOUNTS]
        )
    finally:
        await pool.close()


async def test_a_poison_in_the_middle_of_a_batch_of_100_goes_alone_and_the_99_apply_once_in_order(
    name: str, bootstrap: str, database_url: str, topic: str, accounts_ready: None
) -> None:
    good, poison = _batch()
    records = [(e.key.encode(), encode(e)) for e in good]
    records.insert(POISON_AT, (b"a", poison))
    await _produce(bootstrap, topic, records)

    service = await _started(name, bootstrap, database_url, topic)
    try:

        async def all_applied() -> bool:
            return bool(await service.pool.fetchval("SELECT count(*) FROM inbox") == 100)

        await eventually(all_applied)
        applied = await service.pool.fetch(
            "SELECT account, amount, event_id FROM credits ORDER BY seq"
        )
        rows = await service.pool.fetch("SELECT outcome, count(*) FROM inbox GROUP BY outcome")
        outcomes = {r["outcome"]: r["count"] for r in rows}
    finally:
        await service.stop()

    assert outcomes == {"applied": 99, "dead_lettered": 1}
    assert sorted(r["event_id"] for r in applied) == sorted(e.event_id for e in good)
    for account in ACCOUNTS:
        sent = [e.payload.amount for e in good if e.payload.account == account]
        assert [r["amount"] for r in applied if r["account"] == account] == sent
    [letter] = await list_dead_letters(bootstrap, topic)
    assert (letter.value, letter.offset, letter.reason) == (poison, POISON_AT, "invalid_payload")
    # One fetch, one batch: at least one transaction applied more than 50 of the 100 events.
    labels = {"service": name, "topic": topic}
    transactions = REGISTRY.get_sample_value("vault_batch_events_count", labels)
    small = REGISTRY.get_sample_value("vault_batch_events_bucket", {**labels, "le": "50.0"})
    assert transactions is not None
    assert small is not None
    assert small < transactions


async def test_the_same_batch_delivered_twice_with_offsets_rewound_changes_nothing(
    name: str, bootstrap: str, database_url: str, topic: str, accounts_ready: None
) -> None:
    good, poison = _batch()
    records = [(e.key.encode(), encode(e)) for e in good]
    records.insert(POISON_AT, (b"a", poison))
    await _produce(bootstrap, topic, records)

    service = await _started(name, bootstrap, database_url, topic)
    try:

        async def all_applied() -> bool:
            return bool(await service.pool.fetchval("SELECT count(*) FROM inbox") == 100)

        await eventually(all_applied)
        before = await service.pool.fetch("SELECT * FROM accounts ORDER BY account")
        credits_before = await service.pool.fetchval("SELECT count(*) FROM credits")
    finally:
        await service.stop()

    await _rewind(bootstrap, name, topic)
    again = await _started(name, bootstrap, database_url, topic)
    try:
        labels = {"service": name, "topic": topic, "outcome": "duplicate"}

        async def redelivered() -> bool:
            return (REGISTRY.get_sample_value("vault_messages_in_total", labels) or 0) >= 100

        await eventually(redelivered)
        after = await again.pool.fetch("SELECT * FROM accounts ORDER BY account")
        credits_after = await again.pool.fetchval("SELECT count(*) FROM credits")
    finally:
        await again.stop()

    assert [dict(r) for r in after] == [dict(r) for r in before]
    assert credits_after == credits_before == 99
    assert [r["balance"] for r in after] == [Decimal(sum(range(1, 21)))] * 4 + [
        Decimal(sum(range(1, 20)))
    ]
    assert len(await list_dead_letters(bootstrap, topic)) == 1
