"""How many fills per second inventory books as receipts (a benchmark, not a test).

Prints three rates on the real database (and broker):
- handler path, as the consumer applies a partition's batch (decode, the inbox
  rows, the lots, the movements and their balances, the holdings.updated outbox
  rows, one transaction), with batches of one fill and of 100;
- end to end: fills produced onto vault.sourcing.orders and booked by the running
  service (consumer, inbox, handler, outbox), first send to last booking;
then how long the check takes to rebuild every balance from the ledger.

Run: .venv/bin/python -m benchmarks.inventory_bench [N]
Uses KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (a user that may create databases)
when set, else launches its own Kafka and PostgreSQL in a temporary state folder.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import asyncpg
from aiokafka import AIOKafkaProducer

from benchmarks.infra import bench_infrastructure
from services.inventory.app import create_service
from services.inventory.domain import Warehouse, WarehouseKind
from services.inventory.handlers.check_ledger import check_ledger
from services.inventory.handlers.register_warehouse import register_warehouse
from shared import topics
from shared.codec import encode
from shared.consumer.batch import BatchApplier, read_item
from shared.contracts import FillRecorded
from shared.envelope import Envelope, new_event
from shared.http.context import utc_now
from shared.service import Service
from shared.settings import ServiceSettings

WAREHOUSE = Warehouse(
    warehouse_id="wh-bench",
    name="Bench store",
    kind=WarehouseKind.THIRD_PARTY,
    location="Rotterdam, NL",
    operator="trader-bench",
)
T0 = datetime(2026, 1, 5, tzinfo=UTC)


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s ({count} in {seconds:.2f}s)"


def fills(count: int, run: str) -> list[Envelope[FillRecorded]]:
    made = []
    for i in range(count):
        order_id = f"order-{run}-{i // 4}"  # a few fills per order, as partial fills come
        fill = FillRecorded.model_validate(
            {
                "fill_id": f"fill-{run}-{i}",
                "leg_id": f"leg-{run}-{i}",
                "order_id": order_id,
                "trader_id": "trader-bench",
                "manufacturer_id": f"maker-{i % 7}",
                "mineral": ("cobalt", "lithium", "nickel")[i % 3],
                "quantity": {"amount": str(1 + i % 40), "unit": "t"},
                "unit_price": {"amount": "33000", "per": "t"},
                "origin_country": ("US", "CA", "CN")[i % 3],
                "tier": ("domestic", "allied", "other")[i % 3],
                "warehouse_id": WAREHOUSE.warehouse_id,
                "lot_reference": f"WR-{i}",
                "filled_at": T0 + timedelta(minutes=i),
                "phase": "initial_fill",
                "policy_version": "bench",
            }
        )
        made.append(new_event(fill, key=order_id, producer="bench"))
    return made


async def handler_path(service: Service, events: list[Envelope[FillRecorded]], batch: int) -> float:
    """The consumer's own applier over records that never touch the broker (partition 999)."""
    [subscription] = service.subscriptions
    applier = BatchApplier(service.name, service.transaction, lambda: service.publisher)
    records = [
        SimpleNamespace(
            topic=topics.SOURCING_ORDERS,
            partition=999,
            offset=offset,
            key=event.key.encode(),
            value=encode(event),
            headers=[],
        )
        for offset, event in enumerate(events)
    ]
    started = time.perf_counter()
    for start in range(0, len(records), batch):
        items = [read_item(subscription, r, None, 5) for r in records[start : start + batch]]
        progress = await applier.apply(topics.SOURCING_ORDERS, 999, items)
        assert progress.retry is None, progress.retry
    return time.perf_counter() - started


async def end_to_end(
    bootstrap: str, pool: asyncpg.Pool, events: list[Envelope[FillRecorded]]
) -> float:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    fill_ids = [e.payload.fill_id for e in events]
    try:
        started = time.perf_counter()
        sent = [
            await producer.send(topics.SOURCING_ORDERS, encode(e), key=e.key.encode())
            for e in events
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
    count_booked = "SELECT count(*) FROM lots WHERE fill_id = ANY($1::text[])"
    while await pool.fetchval(count_booked, fill_ids) < len(events):
        await asyncio.sleep(0.02)
    return time.perf_counter() - started


async def bench(bootstrap: str, admin_url: str, count: int) -> None:
    name = f"inventory_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    service = create_service(
        ServiceSettings(
            kafka_bootstrap_servers=bootstrap,
            database_url=urlsplit(admin_url)._replace(path=f"/{name}").geturl(),
            log_level="WARNING",
        )
    )
    await service.start()
    try:
        async with service.transaction() as conn:
            await register_warehouse(conn, WAREHOUSE, service.context.mineral_units)
        run = uuid.uuid4().hex[:6]
        single_s = await handler_path(service, fills(count, f"{run}-single"), batch=1)
        batch_s = await handler_path(service, fills(count, f"{run}-batch"), batch=100)
        e2e_s = await end_to_end(bootstrap, service.pool, fills(count, f"{run}-kafka"))
        started = time.perf_counter()
        async with service.pool.acquire() as conn:
            report = await check_ledger(conn, now=utc_now())
        check_s = time.perf_counter() - started
        print(f"receipts booked, handler path, batches of 1    {_rate(count, single_s)}")
        print(f"receipts booked, handler path, batches of 100  {_rate(count, batch_s)}")
        print(f"receipts booked, end to end from Kafka         {_rate(count, e2e_s)}")
        print(
            f"check: {report.movements} movements rebuilt into {report.balances} balances "
            f"in {check_s:.2f}s, agrees={report.agrees}"
        )
    finally:
        await service.stop()
        admin = await asyncpg.connect(admin_url)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    with bench_infrastructure() as (bootstrap, database_url):
        asyncio.run(bench(bootstrap, database_url, int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
