"""Inventory's gauges, read from its own tables: what the stockpile holds and where.

Gauges of stored state, refreshed every ``EVERY_S``: a handler's transaction may roll
back and be retried, a sum over the balances cannot drift. Labels are bounded sets
(the catalogue's minerals, three tiers, three warehouse kinds, ISO countries); lots,
owners and orders are never labels.
"""

from __future__ import annotations

from prometheus_client import Gauge

from services.inventory import ops_views
from shared.service import Service, every

EVERY_S = 5.0

HOLDINGS = Gauge(
    "vault_inventory_holdings",
    "Quantity held, in the mineral's catalogue unit",
    ["mineral", "unit", "tier", "warehouse_kind", "origin_country"],
)
HELD_FILLS = Gauge("vault_inventory_held_fills", "Fills not booked, waiting for ops")


async def refresh(service: Service) -> None:
    rows = await ops_views.holdings_by_dimension(service.pool)
    # Cleared first: a combination sold down to nothing must not keep its last value.
    HOLDINGS.clear()
    for row in rows:
        HOLDINGS.labels(
            row["mineral"], row["unit"], row["tier"], row["warehouse_kind"], row["origin_country"]
        ).set(float(row["quantity"]))
    HELD_FILLS.set(await ops_views.fills_held_for_ops(service.pool))


gauges = every(lambda _: EVERY_S, refresh, "inventory_gauges")
