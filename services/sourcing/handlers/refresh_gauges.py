"""Sourcing's own gauges, read from its tables each sweep: what waits, what traders hold.

Gauges of stored state rather than counters bumped in handlers: a handler's
transaction may roll back and be retried, a count of rows cannot drift.
"""

from __future__ import annotations

from prometheus_client import Gauge

from services.sourcing import views
from services.sourcing.context import Sourcing
from services.sourcing.domain import OrderStatus
from services.sourcing.repository import anomalies

ORDERS = Gauge("vault_sourcing_orders", "Orders by status", ["status"])
WAITING_ORDERS = Gauge(
    "vault_sourcing_orders_waiting", "Orders with quantity no leg covers yet", ["mineral"]
)
OPEN_LEGS = Gauge("vault_sourcing_open_legs", "Legs with traders, by kind", ["kind"])
ANOMALIES = Gauge(
    "vault_sourcing_anomalies",
    "What the gateway said that sourcing could not apply as it stood (a bug: alert on > 0)",
    ["kind"],
)
LEG_KINDS = ("offer", "mandate")


async def refresh(ctx: Sourcing) -> None:
    counts = await views.counts(ctx.service.pool)
    for status in OrderStatus:
        ORDERS.labels(status).set(counts.orders_by_status.get(status, 0))
    WAITING_ORDERS.clear()
    for mineral, n in counts.waiting_by_mineral.items():
        WAITING_ORDERS.labels(mineral).set(n)
    for kind in LEG_KINDS:
        OPEN_LEGS.labels(kind).set(counts.open_legs_by_kind.get(kind, 0))
    for kind, n in (await anomalies.counts(ctx.service.pool)).items():
        ANOMALIES.labels(kind).set(n)
