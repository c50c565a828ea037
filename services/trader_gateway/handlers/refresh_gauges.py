"""The gateway's per-trader gauges: legs by outcome, fills, time to a first fill.

Gauges of stored state, read every ``EVERY_S`` (a handler's transaction may roll back
and be retried; a count of rows cannot drift). Trader ids are labels because they are
a bounded set ops maintain (the roster); order and leg ids never are.
"""

from __future__ import annotations

from prometheus_client import Gauge

from services.trader_gateway import ops_views
from shared.service import Service, every

EVERY_S = 5.0

LEGS = Gauge(
    "vault_gateway_trader_legs",
    "Legs routed to each trader, by outcome (an open leg past its deadline counts as expired)",
    ["trader_id", "outcome"],
)
FILLS = Gauge("vault_gateway_trader_fills", "Fills each trader confirmed", ["trader_id"])
TIME_TO_FILL = Gauge(
    "vault_gateway_trader_time_to_fill_seconds",
    "Mean time from a leg's routing to its first fill, per trader",
    ["trader_id"],
)


async def refresh(service: Service) -> None:
    rows = await ops_views.performance(service.pool)
    for gauge in (LEGS, FILLS, TIME_TO_FILL):
        gauge.clear()
    for row in rows:
        trader = row["trader_id"]
        for outcome, column in (
            ("open", "open_legs"),
            ("filled", "filled_legs"),
            ("declined", "declined_legs"),
            ("expired", "expired_legs"),
            ("cancelled", "cancelled_legs"),
        ):
            LEGS.labels(trader, outcome).set(row[column])
        FILLS.labels(trader).set(row["fills"])
        if row["mean_time_to_fill_s"] is not None:
            TIME_TO_FILL.labels(trader).set(row["mean_time_to_fill_s"])


gauges = every(lambda _: EVERY_S, refresh, "trader_gauges")
