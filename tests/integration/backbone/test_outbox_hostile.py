"""The outbox relay against rows Kafka refuses and connections that go half-open (issue 13, 6 and 8).

6. One row Kafka will never take (too large for its topic) stopped the whole outbox of
   the service, in id order, for ever: it is parked, counted, and the rows after it go.
8. The relay's advisory lock lived on a connection without TCP keepalive: after a
   half-open connection a zombie backend kept the lock for hours. Every session the
   relay or a pool opens now has the server probe its client (``shared.db.KEEPALIVES``);
   what is checked here is that the server really runs them so, on the relay's own
   session and the pool's (a half-open TCP connection cannot be made without root and
   a packet filter).
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import httpx
import pytest

from shared import db, outbox
from shared.service import Service
from tests.support.kafka import create_topic, read_all
from tests.support.toy import credited, toy_service
from tests.support.waiting import eventually


async def test_6_a_row_kafka_refuses_for_good_is_parked_and_the_rows_after_it_are_published(
    bootstrap: str, database_url: str, topic: str
) -> None:
    small = f"{topic}-small"
    await create_topic(bootstrap, small, configs={"max.message.bytes": "1024"})
    await create_topic(bootstrap, topic + "-other")
    service = toy_service(
        "toy", source=topic, forward_to=small, bootstrap=bootstrap, database_url=database_url
    )
    await service.start()
    try:
        async with service.transaction() as conn:
            await outbox.enqueue_to(
                conn,
                [
                    (small, credited("a", "1")),
                    (small, credited("b" * 4000, "2", key="b")),  # over the topic's limit
                    (small, credited("c", "3")),
                    (topic + "-other", credited("d", "4")),  # another topic, later rows
                ],
            )

        async def parked() -> bool:
            return await outbox.parked(service.pool) == 1

        await eventually(parked, timeout_s=20, what="the refused row parked")
        # At least once: what went out with the refused batch may go out again one by one
        # (consumers' inboxes absorb it), but nothing is missing and nothing is out of order.
        after = [key for key, _ in await read_all(bootstrap, small, 2, timeout_s=10)]
        assert list(dict.fromkeys(after)) == [b"a", b"c"]
        other = await read_all(bootstrap, topic + "-other", 1, timeout_s=10)
        assert {key for key, _ in other} == {b"d"}
        assert len({value for _, value in other}) == 1  # copies of one event, if any
        row = await service.pool.fetchrow(
            "SELECT key, park_reason FROM outbox WHERE parked_at IS NOT NULL"
        )
        assert row is not None
        assert row["key"] == "b"
        assert "MessageSizeTooLarge" in row["park_reason"]
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service.asgi()), base_url="http://toy"
        ) as http:
            ready = await http.get("/health/ready")
            metrics = await http.get("/metrics")
    finally:
        await service.stop()
    outbox_check = ready.json()["checks"]["outbox"]
    assert (outbox_check["ok"], outbox_check["detail"]["parked"]) == (True, 1)
    assert 'vault_outbox_parked{service="toy"} 1.0' in metrics.text


async def _keepalives(conn: Any) -> dict[str, str]:
    for _ in range(50):
        try:
            return {name: await conn.fetchval(f"SHOW {name}") for name in db.KEEPALIVES}
        except asyncpg.InterfaceError:  # the relay was using its session at that moment
            await asyncio.sleep(0.01)
    raise AssertionError("the relay's session was never free")


async def test_8_the_relays_own_session_and_the_pools_have_the_server_probe_their_client(
    bootstrap: str, database_url: str, topic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[asyncpg.Connection[asyncpg.Record]] = []
    real_connect = db.connect

    async def spy(url: str, *, schema: str) -> asyncpg.Connection[asyncpg.Record]:
        conn = await real_connect(url, schema=schema)
        opened.append(conn)
        return conn

    # The relay opens the connection that holds its lock through shared.db.connect.
    monkeypatch.setattr(outbox, "connect", spy)
    service: Service = toy_service(
        "toy", source=topic, forward_to=None, bootstrap=bootstrap, database_url=database_url
    )
    await service.start()
    try:

        async def leading() -> bool:
            return bool(
                await service.pool.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1",
                    outbox.RELAY_LOCK,
                )
            )

        await eventually(leading, what="the relay holding its lock")
        assert len(opened) == 1
        # Read on the relay's session itself, between two of its polls.
        relay_session = await _keepalives(opened[0])
        async with service.pool.acquire() as conn:
            pool_session = await _keepalives(conn)
    finally:
        await service.stop()
    assert (
        relay_session
        == pool_session
        == {
            "tcp_keepalives_idle": "10",
            "tcp_keepalives_interval": "5",
            "tcp_keepalives_count": "3",
        }
    )
