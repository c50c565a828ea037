"""A writer process that dies (SIGKILL) right after committing, or right after publishing.

Usage: python -m tests.support.outbox_crash DATABASE_URL BOOTSTRAP TOPIC before_publish|after_publish
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from shared import outbox
from shared.db import create_pool, migrate
from shared.publisher import Publisher
from tests.support.toy import credited


async def main(database_url: str, bootstrap: str, topic: str, mode: str) -> None:
    pool = await create_pool(database_url, schema="writer")
    await migrate(pool)
    async with pool.acquire() as conn, conn.transaction():
        await outbox.enqueue_to(conn, [(topic, credited("a", "2", producer="writer"))])
    print("committed", flush=True)
    if mode == "before_publish":
        os.kill(os.getpid(), signal.SIGKILL)

    class DiesBeforeMarking(outbox.OutboxRelay):
        async def _mark_published(self, conn: object, ids: list[int]) -> None:
            print("published", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    await DiesBeforeMarking(
        pool, Publisher(bootstrap, client_id="writer"), service="writer", database_url=database_url
    ).publish_batch()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
