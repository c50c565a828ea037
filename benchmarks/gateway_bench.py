"""How many fills per second the trader gateway books through its HTTP API, outbox on.

Not a test: run it by hand to see whether a change slowed the money flow down.

    .venv/bin/python benchmarks/gateway_bench.py [--legs 200] [--fills 2000] [--concurrency 16]
        [--batch 1]

Uses KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL when set; otherwise starts Kafka and
PostgreSQL with the project's launcher in a temporary folder and stops them after.
Each request is a full one: API-key check, rate limit, then one transaction of two
statements (claim the Idempotency-Key and lock the legs; write the legs, fills, outbox
rows and stored answer). ``--batch N`` sends N fills per request to /v1/fills/batch
instead of one per request to /v1/legs/{id}/fills. Requests go through the ASGI app
in-process (no sockets), so the figure is the gateway's own cost; the relay publishes
to the real broker meanwhile, and the time until the last ``fill.confirmed`` is
acknowledged by Kafka is reported too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx

from services.trader_gateway.app import create_api, create_service
from services.trader_gateway.handlers.legs import routed as legs_routed
from services.trader_gateway.settings import GatewaySettings
from shared.contracts import LegRouted, Quantity, UnitPrice
from shared.envelope import new_event
from shared.settings import ServiceSettings
from vault.infra.launcher import Endpoints, Launcher
from vault.infra.process import free_port, free_port_block

ADMIN_TOKEN = "bench-admin-token-" + uuid.uuid4().hex


def _leg(trader_id: str, quantity: int) -> LegRouted:
    return LegRouted(
        leg_id=f"leg-{uuid.uuid4().hex}",
        order_id=f"order-{uuid.uuid4().hex}",
        trader_id=trader_id,
        manufacturer_id="mfr-bench",
        mineral="cobalt",
        market="cobalt",
        quantity=Quantity(amount=Decimal(quantity), unit="t"),
        limit_price=UnitPrice(amount=Decimal("33000"), per="t"),
        deadline=datetime.now(UTC) + timedelta(days=1),
        kind="mandate",
        phase="replenishment",
        policy_version="bench",
    )


def _fill(n: int) -> dict[str, object]:
    return {
        "mineral": "cobalt",
        "quantity": {"amount": "1.5", "unit": "t"},
        "unit_price": {"amount": "32000", "per": "t"},
        "origin_country": "AU",
        "warehouse_id": "wh-bench-1",
        "lot_reference": f"LOT-{n:06d}",
        "filled_at": datetime.now(UTC).isoformat(),
    }


async def run(endpoints: Endpoints, legs: int, fills: int, concurrency: int, batch: int) -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers=endpoints.bootstrap_servers,
        database_url=endpoints.database_urls["trader_gateway"],
        log_level="WARNING",
        outbox_poll_s=0.1,
    )
    service = create_service(settings)
    await service.start()
    api = create_api(
        service,
        GatewaySettings.model_validate(
            {"admin_token": ADMIN_TOKEN, "rate_per_second": 1_000_000, "rate_burst": 1_000_000}
        ),
    )
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        trader = f"trader-bench-{uuid.uuid4().hex[:8]}"
        body = {
            "name": "Bench",
            "markets": ["cobalt"],
            "rank": 1,
            "capacity": "1000000000",
            "exposure_limit_usd": "100000000000",
        }
        (
            await client.put(f"/v1/admin/traders/{trader}", json=body, headers=admin)
        ).raise_for_status()
        issued = await client.post(f"/v1/admin/traders/{trader}/keys", json={}, headers=admin)
        key = issued.raise_for_status().json()["api_key"]
        routed = [_leg(trader, quantity=1_000_000) for _ in range(legs)]
        async with service.transaction() as conn:
            await legs_routed(conn, [new_event(leg, producer="sourcing") for leg in routed])
        before = await service.pool.fetchval("SELECT coalesce(max(id), 0) FROM outbox")

        latencies: list[float] = []
        failures = 0
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(0, fills, batch):
            queue.put_nowait(n)

        async def worker() -> None:
            nonlocal failures
            while not queue.empty():
                n = queue.get_nowait()
                headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex}
                began = time.perf_counter()
                if batch == 1:
                    answer = await client.post(
                        f"/v1/legs/{routed[n % legs].leg_id}/fills", json=_fill(n), headers=headers
                    )
                    failures += answer.status_code != 201
                else:
                    items = [
                        {"leg_id": routed[m % legs].leg_id, **_fill(m)}
                        for m in range(n, min(n + batch, fills))
                    ]
                    answer = await client.post(
                        "/v1/fills/batch", json={"fills": items}, headers=headers
                    )
                    failures += len(items) - answer.json()["accepted"]
                latencies.append(time.perf_counter() - began)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        booked_s = time.perf_counter() - began
        while await service.pool.fetchval(
            "SELECT count(*) FROM outbox WHERE id > $1 AND published_at IS NULL", before
        ):
            await asyncio.sleep(0.05)
        published_s = time.perf_counter() - began
    await service.stop()

    latencies.sort()
    ms = [x * 1000 for x in latencies]
    print(
        f"{fills} fills over {legs} legs, {batch} per request, {concurrency} concurrent "
        f"requests, {failures} refused"
    )
    print(f"booked:    {fills / booked_s:8.0f} fills/s  ({booked_s:.2f} s)")
    print(f"published: {fills / published_s:8.0f} fills/s  (last fill.confirmed acked by Kafka)")
    print(
        f"latency:   p50 {statistics.median(ms):.1f} ms per request, "
        f"p99 {ms[int(len(ms) * 0.99) - 1]:.1f} ms, max {ms[-1]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legs", type=int, default=200)
    parser.add_argument("--fills", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--batch", type=int, default=1, help="fills per request (1 to 100)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gateway-bench-") as state:
        launcher = Launcher(state=Path(state), env=dict(os.environ))
        endpoints, _ = launcher.up(kafka_port=free_port_block(2), pg_port=free_port())
        try:
            asyncio.run(run(endpoints, args.legs, args.fills, args.concurrency, args.batch))
        finally:
            launcher.down()


if __name__ == "__main__":
    main()
