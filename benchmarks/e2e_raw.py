"""The raw bound: Vault's chain of hops as plain aiokafka consume->produce loops.

Same hops, the same Kafka messages and the same domain rows per order as the real
pipeline (counted in the code, see ``HOPS``), but none of the guarantees: no outbox,
no inbox, acks=all and nothing more. Each hop is its own process, like the services:
it takes a batch with ``getmany``, writes the batch's rows with one statement
(``INSERT ... SELECT * FROM unnest(...)``, several tables through data-modifying
CTEs), produces the next hop's messages, waits for their acks, commits offsets.

``raw_chain()`` creates the chain's database and topics on the given Kafka and
PostgreSQL, starts the four hop processes and removes it all afterwards.
``python -m benchmarks.e2e_raw ROLE BOOTSTRAP PREFIX`` (database URL in
``RAW_HOP_DATABASE_URL``) runs one hop; ``e2e_bench`` starts them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from benchmarks.e2e_orders import BenchError

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL_VARIABLE = "RAW_HOP_DATABASE_URL"
READY = "ready"
BATCH = 500


@dataclass(frozen=True)
class Step:
    """What a hop does with one message type: rows it writes (one per table), what it emits."""

    consumes: str
    rows: tuple[str, ...]
    emits: tuple[tuple[str, str], ...]  # (topic, message type)


# Per order, as the real services do it (domain rows only: inbox and outbox rows,
# and updates of rows written earlier, are the guarantees this bound goes without).
HOPS: dict[str, tuple[Step, ...]] = {
    # services/demand/handlers.py submit_demand: demands row; demand.accepted, procurement.requested
    "demand": (
        Step(
            "demand.submitted",
            ("demands",),
            (("outcomes", "demand.accepted"), ("procurement", "procurement.requested")),
        ),
    ),
    "sourcing": (
        # handlers/procurement.py + placement.py _apply: orders, legs, decisions rows
        # (and an UPDATE of the offer and the order); leg.routed, order.status_changed
        Step(
            "procurement.requested",
            ("orders", "legs", "decisions"),
            (("legs", "leg.routed"), ("orders", "order.status_changed")),
        ),
        # handlers/fills.py confirmed: fills row (and UPDATEs of leg and order);
        # order.fill_recorded, order.status_changed
        Step(
            "fill.confirmed",
            ("fills",),
            (("orders", "order.fill_recorded"), ("orders", "order.status_changed")),
        ),
    ),
    # trader_gateway handlers/legs.py leg_routed: legs row; then the trader's fill
    # (handlers/fills.py _book: fills row, UPDATE of the leg, idempotency record), which
    # in Vault arrives over HTTP and here follows at once; fill.confirmed
    "trader_gateway": (
        Step("leg.routed", ("gateway_legs", "gateway_fills"), (("fills", "fill.confirmed"),)),
    ),
    "inventory": (
        # handlers/receipts.py _store: lots, movements, balances rows; holdings.updated
        Step(
            "order.fill_recorded",
            ("lots", "movements", "balances"),
            (("holdings", "holdings.updated"),),
        ),
        # consumer.py: every other event on vault.sourcing.orders is read and ignored
        Step("order.status_changed", (), ()),
    ),
}
INPUTS: dict[str, tuple[str, ...]] = {
    "demand": ("intake",),
    "sourcing": ("procurement", "fills"),
    "trader_gateway": ("legs",),
    "inventory": ("orders",),
}
TOPICS = ("intake", "outcomes", "procurement", "legs", "orders", "fills", "holdings")
TABLES = tuple(dict.fromkeys(t for steps in HOPS.values() for s in steps for t in s.rows))

# Bytes of each message as Vault sends it (value plus key and headers, averaged over
# a bench run on today's system); raw messages, sent without headers, are padded to it.
WIRE_BYTES = {
    "demand.accepted": 620,
    "procurement.requested": 785,
    "leg.routed": 1030,
    "order.status_changed": 1340,
    "fill.confirmed": 940,
    "order.fill_recorded": 1045,
    "holdings.updated": 935,
}


def messages_per_order() -> int:
    """Produced per order, the intake message included."""
    return 1 + sum(len(s.emits) for steps in HOPS.values() for s in steps)


def rows_per_order() -> int:
    return sum(len(s.rows) for steps in HOPS.values() for s in steps)


def emitted(message_type: str, order: dict[str, Any]) -> bytes:
    """A message in Vault's envelope shape, padded to the size Vault's would have."""
    event = {"type": message_type, "key": order["order_id"], "payload": {**order, "pad": ""}}
    base = len(json.dumps(event))
    event["payload"]["pad"] = "x" * max(0, WIRE_BYTES.get(message_type, 0) - base)
    return json.dumps(event).encode()


def order_fields(event: dict[str, Any]) -> dict[str, Any]:
    """What travels from hop to hop: who ordered what, under which ids."""
    payload = event["payload"]
    manufacturer = payload.get("manufacturer_id") or payload["owner"]
    order_id = payload.get("order_id") or f"ord-{payload['request_id']}"
    return {
        "order_id": order_id,
        "request_id": payload["request_id"],
        "manufacturer_id": manufacturer,
        "owner": manufacturer,
        "kind": "receipt",
    }


def insert_statement(tables: Sequence[str]) -> str:
    """One statement writing one unnest()ed batch into each of ``tables``."""
    inserts = [
        f"INSERT INTO {table} SELECT * FROM unnest(${3 * i + 1}::text[], "
        f"${3 * i + 2}::text[], ${3 * i + 3}::text[])"
        for i, table in enumerate(tables)
    ]
    if len(inserts) == 1:
        return inserts[0]
    ctes = ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(inserts[:-1]))
    return f"WITH {ctes} {inserts[-1]}"


@dataclass
class HopBatch:
    rows: dict[str, tuple[list[str], list[str], list[str]]]
    out: list[tuple[str, bytes, bytes]]  # (topic, key, value)


def work_of(events: Iterable[dict[str, Any]], steps: dict[str, Step], prefix: str) -> HopBatch:
    batch = HopBatch(rows={}, out=[])
    for event in events:
        step = steps.get(event.get("type", ""))
        if step is None:
            continue
        order = order_fields(event)
        body = json.dumps(event["payload"])
        for table in step.rows:
            ids, orders, bodies = batch.rows.setdefault(table, ([], [], []))
            ids.append(f"{order['order_id']}:{table}")
            orders.append(order["order_id"])
            bodies.append(body)
        for topic, message_type in step.emits:
            batch.out.append(
                (prefix + topic, order["order_id"].encode(), emitted(message_type, order))
            )
    return batch


async def run_hop(role: str, bootstrap: str, database_url: str, prefix: str) -> None:
    steps = {s.consumes: s for s in HOPS[role]}
    parent = os.getppid()
    consumer = AIOKafkaConsumer(
        *(prefix + t for t in INPUTS[role]),
        bootstrap_servers=bootstrap,
        group_id=f"{prefix}{role}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    conn = await asyncpg.connect(database_url)
    await consumer.start()
    await producer.start()
    pending: list[Any] = []
    while not consumer.assignment():
        pending += [r for rs in (await consumer.getmany(timeout_ms=100)).values() for r in rs]
    print(READY, flush=True)
    while os.getppid() == parent:  # the bench that started us is gone: stop
        if not pending:
            fetched = await consumer.getmany(timeout_ms=500, max_records=BATCH)
            pending = [r for records in fetched.values() for r in records]
        if pending:
            await apply(
                conn, producer, consumer, [json.loads(r.value) for r in pending], steps, prefix
            )
            pending = []


async def apply(
    conn: asyncpg.Connection,
    producer: Any,
    consumer: Any,
    events: list[dict[str, Any]],
    steps: dict[str, Step],
    prefix: str,
) -> None:
    batch = work_of(events, steps, prefix)
    if batch.rows:
        tables = sorted(batch.rows)
        await conn.execute(insert_statement(tables), *(c for t in tables for c in batch.rows[t]))
    acks = [await producer.send(topic, value, key=key) for topic, key, value in batch.out]
    await asyncio.gather(*acks)
    await consumer.commit()


# ---- the chain around the hops: database, topics, processes ----


@dataclass(frozen=True)
class RawChain:
    prefix: str
    hops: dict[str, asyncio.subprocess.Process]  # role -> its process

    @property
    def pids(self) -> dict[str, int]:
        return {role: hop.pid for role, hop in self.hops.items()}

    def topic(self, name: str) -> str:
        return self.prefix + name

    def check(self) -> None:
        """Raise if a hop has exited."""
        gone = {
            role: hop.returncode for role, hop in self.hops.items() if hop.returncode is not None
        }
        if gone:
            raise BenchError(f"raw hops exited: {gone}")


def database_url_for(admin_url: str, name: str) -> str:
    return urlsplit(admin_url)._replace(path=f"/{name}").geturl()


async def create_database(admin_url: str, name: str) -> str:
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = database_url_for(admin_url, name)
    conn = await asyncpg.connect(url)
    try:
        for table in TABLES:
            await conn.execute(
                f"CREATE TABLE {table} (id text PRIMARY KEY, order_id text NOT NULL, "
                "body text NOT NULL)"
            )
    finally:
        await conn.close()
    return url


async def drop_database(admin_url: str, name: str) -> None:
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def chain_topics(
    bootstrap: str, prefix: str, partitions: int, replicas: int
) -> AsyncIterator[list[str]]:
    names = [prefix + t for t in TOPICS]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, partitions, replicas) for n in names])
        yield names
    finally:
        with contextlib.suppress(Exception):
            await admin.delete_topics(names)
        await admin.close()


async def start_hop(
    role: str, bootstrap: str, database_url: str, prefix: str
) -> asyncio.subprocess.Process:
    hop = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.e2e_raw",
        role,
        bootstrap,
        prefix,
        cwd=ROOT,
        env={**os.environ, DATABASE_URL_VARIABLE: database_url},
        stdout=asyncio.subprocess.PIPE,
    )
    assert hop.stdout is not None
    async with asyncio.timeout(60):
        line = await hop.stdout.readline()
    if line.decode().strip() != READY:
        raise RuntimeError(f"raw hop {role} did not start (exit {hop.returncode})")
    return hop


async def stop_hop(hop: asyncio.subprocess.Process) -> None:
    if hop.returncode is None:
        hop.terminate()
        try:
            async with asyncio.timeout(10):
                await hop.wait()
        except TimeoutError:
            hop.kill()
            await hop.wait()


@contextlib.asynccontextmanager
async def raw_chain(
    bootstrap: str, admin_url: str, *, partitions: int, replicas: int
) -> AsyncIterator[RawChain]:
    run = uuid.uuid4().hex[:8]
    prefix, database = f"bench.raw.{run}.", f"vault_bench_raw_{run}"
    hops: dict[str, asyncio.subprocess.Process] = {}
    url = await create_database(admin_url, database)
    try:
        async with chain_topics(bootstrap, prefix, partitions, replicas):
            try:
                for role in HOPS:
                    hops[role] = await start_hop(role, bootstrap, url, prefix)
                yield RawChain(prefix, hops)
            finally:
                for hop in hops.values():
                    await stop_hop(hop)
    finally:
        await drop_database(admin_url, database)


def main(argv: list[str]) -> None:
    role, bootstrap, prefix = argv
    asyncio.run(run_hop(role, bootstrap, os.environ[DATABASE_URL_VARIABLE], prefix))


if __name__ == "__main__":
    main(sys.argv[1:])
