"""The inbox's claim on the real database: an event is its id and its content.

A regression of issue 13 (4): after ``first`` was applied, a batch holding
``[reused, first, reused]`` (the id again with other content, then both again) took the
copy of ``first`` for new content and answered it a second time.
"""

from __future__ import annotations

import asyncio
import uuid

from shared.consumer import inbox
from shared.db import create_pool, migrate


def _entry(event_id: uuid.UUID, content: bytes, offset: int) -> inbox.Entry:
    return inbox.Entry(event_id, "t.happened", 0, offset, inbox.fingerprint(content), "applied")


async def test_the_original_content_in_a_later_batch_is_a_redelivery(database_url: str) -> None:
    pool = await create_pool(database_url, schema="inbox_claim")
    try:
        await migrate(pool)
        event_id = uuid.uuid4()
        first, reused = b"first", b"reused"
        async with pool.acquire() as conn, conn.transaction():
            assert await inbox.claim(conn, "c", "t", [_entry(event_id, first, 0)]) == [0]
        batch = [
            _entry(event_id, reused, 1),
            _entry(event_id, first, 2),
            _entry(event_id, reused, 3),
            _entry(uuid.uuid4(), first, 4),
        ]
        async with pool.acquire() as conn, conn.transaction():
            assert await inbox.claim(conn, "c", "t", batch) == [0, 3]
        async with pool.acquire() as conn, conn.transaction():
            assert await inbox.claim(conn, "c", "t", batch) == []
        # New ids: the first content of each is its original, the next one is reused.
        other = uuid.uuid4()
        fresh = [_entry(other, b"b", 5), _entry(other, b"a", 6), _entry(other, b"b", 7)]
        async with pool.acquire() as conn, conn.transaction():
            assert await inbox.claim(conn, "c", "t", fresh) == [0, 1]
        async with pool.acquire() as conn, conn.transaction():
            assert await inbox.claim(conn, "c", "t", fresh[::-1]) == []
    finally:
        await pool.close()


async def test_an_id_recorded_meanwhile_by_another_partition_with_other_content_is_fresh(
    database_url: str,
) -> None:
    # Two partitions apply one reused id side by side: the second waits on the first's
    # row, then finds it taken. Its content differs, so it is reused content, answered;
    # it was once dropped as a redelivery (the record fuzzer's unaccounted records).
    pool = await create_pool(database_url, schema="inbox_race")
    try:
        await migrate(pool)
        event_id = uuid.uuid4()
        async with pool.acquire() as first, pool.acquire() as second:
            one = first.transaction()
            await one.start()
            assert await inbox.claim(first, "c", "t", [_entry(event_id, b"a", 0)]) == [0]
            other = second.transaction()
            await other.start()
            waiting = asyncio.ensure_future(
                inbox.claim(second, "c", "t", [_entry(event_id, b"b", 1)])
            )
            await asyncio.sleep(0.3)
            assert not waiting.done()
            await one.commit()
            async with asyncio.timeout(10):
                assert await waiting == [0]
            await other.commit()
            again = second.transaction()
            await again.start()
            same = [_entry(event_id, b"a", 2), _entry(event_id, b"b", 3)]
            assert await inbox.claim(second, "c", "t", same) == []
            await again.rollback()
    finally:
        await pool.close()
