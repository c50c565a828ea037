"""Inbox and dead letters on the real broker and database, through a toy service."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from shared.codec import encode
from shared.dlq import list_dead_letters, replay
from shared.envelope import new_event
from shared.publisher import Publisher
from shared.service import Service
from tests.support.toy import Credited, credited, toy_service
from tests.support.waiting import eventually


@pytest.fixture
async def toy(bootstrap: str, database_url: str, topic: str) -> AsyncIterator[Service]:
    service = toy_service(
        "toy",
        source=topic,
        forward_to=None,
        bootstrap=bootstrap,
        database_url=database_url,
        configure_logging=False,
    )
    await service.start()
    async with service.pool.acquire() as conn:
        await conn.executemany(
            "INSERT INTO accounts (account) VALUES ($1)", [("a",), ("b",), ("c",)]
        )
    try:
        yield service
    finally:
        await service.stop()


async def _send(bootstrap: str, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def _accounts(pool: asyncpg.Pool) -> dict[str, tuple[Decimal, int]]:
    return {
        r["account"]: (r["balance"], r["applied"])
        for r in await pool.fetch("SELECT * FROM accounts")
    }


async def test_a_redelivered_event_changes_nothing_and_other_keys_apply_once_in_any_order(
    toy: Service, bootstrap: str, topic: str
) -> None:
    first, second, third = credited("a", "10"), credited("b", "5"), credited("c", "1.5")
    # The same event twice, and events of different keys interleaved out of order.
    await _send(
        bootstrap,
        topic,
        [
            (b"a", encode(first)),
            (b"c", encode(third)),
            (b"b", encode(second)),
            (b"a", encode(first)),
            (b"c", encode(third)),
        ],
    )

    async def all_applied() -> bool:
        return bool(await toy.pool.fetchval("SELECT count(*) FROM inbox") == 3)

    await eventually(all_applied)
    await asyncio.sleep(1.0)  # time for the redeliveries to be (not) applied
    assert await _accounts(toy.pool) == {
        "a": (Decimal("10"), 1),
        "b": (Decimal("5"), 1),
        "c": (Decimal("1.5"), 1),
    }


async def test_poison_messages_go_to_the_dlq_with_their_reason_and_the_consumer_goes_on(
    toy: Service, bootstrap: str, topic: str
) -> None:
    newer_major = credited("a", "1").model_copy(update={"version": "2.0"})
    await _send(
        bootstrap,
        topic,
        [
            (b"x", b"{not json"),
            (b"a", encode(newer_major)),
            (
                b"a",
                encode(
                    new_event(
                        Credited.model_construct(account="a", amount=Decimal("-3")),
                        key="a",
                        producer="test",
                    )
                ),
            ),  # negative amount: off-contract
            (b"a", encode(credited("a", "7"))),
        ],
    )

    async def good_one_applied() -> bool:
        return (await _accounts(toy.pool))["a"] == (Decimal("7"), 1)

    await eventually(good_one_applied)
    letters = await list_dead_letters(bootstrap, topic)
    assert [d.reason for d in letters] == ["malformed", "unsupported_version", "invalid_payload"]
    assert letters[0].value == b"{not json"
    assert letters[0].key == b"x"
    assert letters[1].offset == 1
    assert letters[1].topic == topic
    assert "version 2.0" in letters[1].error


async def test_a_dead_letter_replayed_after_the_fix_is_applied(
    bootstrap: str, database_url: str, topic: str
) -> None:
    # Few, fast attempts: the handler's failure does not heal by waiting.
    service = toy_service(
        "toy",
        source=topic,
        forward_to=None,
        bootstrap=bootstrap,
        database_url=database_url,
        configure_logging=False,
        max_attempts=2,
        backoff_s=0.05,
    )
    await service.start()
    await service.pool.execute("INSERT INTO accounts (account) VALUES ('b')")
    try:
        event = credited("newcomer", "4")
        await _send(
            bootstrap, topic, [(b"newcomer", encode(event)), (b"b", encode(credited("b", "1")))]
        )

        async def dead_lettered() -> bool:
            return len(await list_dead_letters(bootstrap, topic, timeout_s=2)) == 1

        await eventually(dead_lettered)
        [letter] = await list_dead_letters(bootstrap, topic)
        assert (letter.reason, letter.attempts) == ("handler_error", 2)
        assert "UnknownAccount" in letter.error

        await service.pool.execute("INSERT INTO accounts (account) VALUES ('newcomer')")  # the fix
        publisher = Publisher(bootstrap, client_id="replayer")
        try:
            assert await replay([letter], publisher) == 1
        finally:
            await publisher.close()

        async def replayed() -> bool:
            return (await _accounts(service.pool)).get("newcomer") == (Decimal("4"), 1)

        await eventually(replayed)
    finally:
        await service.stop()


async def test_headers_that_are_not_utf8_or_null_neither_stall_nor_skip_the_message(
    toy: Service, bootstrap: str, topic: str
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic, encode(credited("a", "2")), key=b"a", headers=[("origin", b"\xff\xfe")]
        )
        await producer.send_and_wait(
            topic,
            encode(credited("a", "3")),
            key=b"a",
            headers=[("empty", None)],
        )
    finally:
        await producer.stop()

    async def both_applied() -> bool:
        return (await _accounts(toy.pool))["a"] == (Decimal("5"), 2)

    await eventually(both_applied)


async def test_a_value_postgresql_never_stores_is_dead_lettered_at_once_not_retried(
    toy: Service, bootstrap: str, topic: str
) -> None:
    # A NUL in text passes the contract and reaches PostgreSQL, which refuses it for good:
    # it once failed the handler five times over seconds (the record fuzzer's late
    # canaries on inventory), then went to the dead-letter topic as handler_error.
    await _send(
        bootstrap,
        topic,
        [(b"a", encode(credited("a\x00b", "1"))), (b"a", encode(credited("a", "7")))],
    )

    async def good_one_applied() -> bool:
        return (await _accounts(toy.pool))["a"] == (Decimal("7"), 1)

    await eventually(good_one_applied, timeout_s=10)
    letters = await list_dead_letters(bootstrap, topic)
    assert [(d.reason, d.attempts) for d in letters] == [("invalid_payload", 1)]
    assert "0x00" in letters[0].error
