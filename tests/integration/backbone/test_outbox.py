"""The outbox on the real broker and database: nothing lost by a crash, duplicates absorbed."""

from __future__ import annotations

import asyncio
import sys
from decimal import Decimal

import pytest

from shared.db import create_pool
from shared.outbox import OutboxRelay
from shared.publisher import Publisher
from tests.support.kafka import read_all
from tests.support.toy import toy_service
from tests.support.waiting import eventually


@pytest.mark.parametrize("dies", ["before_publish", "after_publish"])
async def test_event_committed_before_a_crash_is_published_after_restart_and_applied_once(
    dies: str, bootstrap: str, database_url: str, topic: str
) -> None:
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.outbox_crash",
        database_url,
        bootstrap,
        topic,
        dies,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await writer.communicate()
    assert writer.returncode == -9, out
    assert out.decode().split() == (
        ["committed"] if dies == "before_publish" else ["committed", "published"]
    )

    pool = await create_pool(database_url, schema="writer")
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 1

    consumer = toy_service(
        "toy",
        source=topic,
        forward_to=None,
        bootstrap=bootstrap,
        database_url=database_url,
        configure_logging=False,
    )
    await consumer.start()
    await consumer.pool.execute("INSERT INTO accounts (account) VALUES ('a')")
    publisher = Publisher(bootstrap, client_id="restarted-writer")
    relay = asyncio.create_task(
        OutboxRelay(pool, publisher, service="writer", database_url=database_url, poll_s=0.1).run()
    )
    try:

        async def published() -> bool:
            return bool(
                await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
            )

        await eventually(published)
        copies = len(await read_all(bootstrap, topic, 2, timeout_s=3))
        assert copies == (1 if dies == "before_publish" else 2)

        async def applied() -> bool:
            return bool(await consumer.pool.fetchval("SELECT count(*) FROM inbox") == 1)

        await eventually(applied)
        await asyncio.sleep(0.5)
        row = await consumer.pool.fetchrow(
            "SELECT balance, applied FROM accounts WHERE account = 'a'"
        )
        assert row is not None
        assert (row["balance"], row["applied"]) == (Decimal("2"), 1)
    finally:
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)
        await publisher.close()
        await pool.close()
        await consumer.stop()


async def test_relay_publishes_each_key_in_the_order_its_events_were_written(
    bootstrap: str, database_url: str, topic: str
) -> None:
    from shared import outbox
    from tests.support.toy import credited

    pool = await create_pool(database_url, schema="writer")
    from shared.db import migrate

    await migrate(pool)
    for chunk in range(4):
        async with pool.acquire() as conn, conn.transaction():
            await outbox.enqueue_to(
                conn, [(topic, credited(f"k{i % 5}", str(chunk * 100 + i + 1))) for i in range(100)]
            )
    publisher = Publisher(bootstrap, client_id="ordered")
    relay = OutboxRelay(pool, publisher, service="writer", database_url=database_url, batch=64)
    try:
        while await relay.publish_batch():
            pass
    finally:
        await publisher.close()
        await pool.close()
    import json

    records = await read_all(bootstrap, topic, 400)
    assert len(records) == 400
    per_key: dict[bytes | None, list[Decimal]] = {}
    for key, value in records:
        per_key.setdefault(key, []).append(Decimal(json.loads(value)["payload"]["amount"]))
    assert all(amounts == sorted(amounts) for amounts in per_key.values())
    assert len(per_key) == 5
