"""Sourcing's gauges for ops' dashboards: how old open orders are, what each tier supplied,
and the premium paid over the best allied offer.

Read from the tables every ``EVERY_S`` (gauges of stored state, as in
``refresh_gauges``; slower, since they scan fills and decision records). Labels are
bounded: statuses, four age buckets, the catalogue's minerals, three tiers.
"""

from __future__ import annotations

from prometheus_client import Gauge

from services.sourcing import ops_views
from shared.service import Service, every

EVERY_S = 10.0

OPEN_ORDERS_BY_AGE = Gauge(
    "vault_sourcing_open_orders_by_age",
    "Orders not finished (routed, partly filled, waiting), by status and age since requested",
    ["status", "age"],
)
OLDEST_WAITING = Gauge(
    "vault_sourcing_oldest_waiting_seconds",
    "Age of the oldest order with quantity no leg covers, per mineral",
    ["mineral"],
)
FILLED = Gauge(
    "vault_sourcing_filled_quantity",
    "Quantity filled, in the mineral's unit, by origin tier",
    ["mineral", "unit", "tier"],
)
SPENT = Gauge(
    "vault_sourcing_filled_usd", "US dollars paid for fills, by tier", ["mineral", "tier"]
)
PREMIUM = Gauge(
    "vault_sourcing_premium_usd",
    "US dollars paid over the best allied offer the decision saw, by tier",
    ["mineral", "tier"],
)


async def refresh(service: Service) -> None:
    pool = service.pool
    by_age = {(r["status"], r["age"]): r["n"] for r in await ops_views.open_orders_by_age(pool)}
    # Every (status, age) pair is always exported, so an empty bucket reads 0, not absent.
    for status in ops_views.OPEN_STATUSES:
        for age, _ in ops_views.AGE_BUCKETS:
            OPEN_ORDERS_BY_AGE.labels(status, age).set(by_age.get((status, age), 0))
    OLDEST_WAITING.clear()
    for row in await ops_views.oldest_waiting(pool):
        OLDEST_WAITING.labels(row["mineral"]).set(row["seconds"])
    bought = await ops_views.bought_by_tier(pool)
    for gauge in (FILLED, SPENT, PREMIUM):
        gauge.clear()
    for row in bought:
        FILLED.labels(row["mineral"], row["unit"], row["tier"]).set(float(row["quantity"]))
        SPENT.labels(row["mineral"], row["tier"]).set(float(row["spent_usd"]))
        PREMIUM.labels(row["mineral"], row["tier"]).set(float(row["premium_usd"]))


gauges = every(lambda _: EVERY_S, refresh, "program_gauges")
