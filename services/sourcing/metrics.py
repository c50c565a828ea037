"""Sourcing's own gauges, read from its tables each sweep: what waits, what traders hold.

Gauges of stored state rather than counters bumped in handlers: a handler's
transaction may roll back and be retried, a count of rows cannot drift.
"""

from __future__ import annotations

from prometheus_client import Gauge

from shared.db import Connection

ORDERS = Gauge("vault_sourcing_orders", "Orders by status", ["status"])
WAITING_ORDERS = Gauge(
    "vault_sourcing_orders_waiting", "Orders with quantity no leg covers yet", ["mineral"]
)
OPEN_LEGS = Gauge("vault_sourcing_open_legs", "Legs with traders, by kind", ["kind"])
STATUSES = ("routed", "partly_filled", "filled", "waiting", "expired")


async def refresh(conn: Connection) -> None:
    by_status = {
        row["status"]: row["n"]
        for row in await conn.fetch("SELECT status, count(*) AS n FROM orders GROUP BY status")
    }
    for status in STATUSES:
        ORDERS.labels(status).set(by_status.get(status, 0))
    WAITING_ORDERS.clear()
    for row in await conn.fetch(
        "SELECT mineral, count(*) AS n FROM orders "
        "WHERE status <> 'expired' AND open_quantity > 0 GROUP BY mineral"
    ):
        WAITING_ORDERS.labels(row["mineral"]).set(row["n"])
    by_kind = {
        row["kind"]: row["n"]
        for row in await conn.fetch(
            "SELECT kind, count(*) AS n FROM legs WHERE status = 'open' GROUP BY kind"
        )
    }
    for kind in ("offer", "mandate"):
        OPEN_LEGS.labels(kind).set(by_kind.get(kind, 0))
