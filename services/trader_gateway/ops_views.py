"""Read-side SQL for ops: how each trading house performs, and an order's legs as the
gateway saw them. Apart from ``views.py``, whose every read is confined to one trader:
these read across traders and are served only to ops (the admin token) and as gauges.
"""

from __future__ import annotations

from typing import Any

import asyncpg

Row = dict[str, Any]

# A leg's outcome as ops count it: an open leg past its deadline is an expiry
# (``views._LEGS["expired"]``), whether or not sourcing has closed it yet.
OUTCOMES = ("open", "partially_filled", "filled", "declined", "expired", "cancelled")


def _outcome(table: str = "") -> str:
    at = f"{table}." if table else ""
    return (
        f"CASE WHEN {at}status IN ('open', 'partially_filled') AND {at}deadline < now() "
        f"THEN 'expired' ELSE {at}status END"
    )


async def performance(
    pool: asyncpg.Pool, trader_id: str | None = None, limit: int | None = None
) -> list[Row]:
    """Per trader: legs by outcome, fills, quantity filled, and time from routing to the
    first fill (mean and median, over legs that had one)."""
    rows = await pool.fetch(
        f"""
        WITH first_fill AS (
            SELECT leg_id, min(filled_at) AS at, count(*) AS fills, sum(quantity) AS quantity
            FROM fills GROUP BY leg_id
        ), per_leg AS (
            SELECT l.trader_id, {_outcome("l")} AS outcome,
                   f.fills, f.quantity,
                   extract(epoch FROM f.at - l.routed_at)::float8 AS to_fill_s
            FROM legs l LEFT JOIN first_fill f USING (leg_id)
            WHERE $1::text IS NULL OR l.trader_id = $1
        )
        SELECT trader_id,
               count(*) FILTER (WHERE outcome IN ('open', 'partially_filled')) AS open_legs,
               count(*) FILTER (WHERE outcome = 'filled') AS filled_legs,
               count(*) FILTER (WHERE outcome = 'declined') AS declined_legs,
               count(*) FILTER (WHERE outcome = 'expired') AS expired_legs,
               count(*) FILTER (WHERE outcome = 'cancelled') AS cancelled_legs,
               coalesce(sum(fills), 0) AS fills,
               coalesce(sum(quantity), 0) AS filled_quantity,
               avg(to_fill_s) AS mean_time_to_fill_s,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY to_fill_s) AS median_time_to_fill_s
        FROM per_leg GROUP BY trader_id ORDER BY trader_id LIMIT $2
        """,
        trader_id,
        limit,
    )
    return [dict(row) for row in rows]


async def order_legs(pool: asyncpg.Pool, order_id: str) -> list[Row]:
    """The order's legs at the gateway, each with its fills and its closing (if closed)."""
    legs = await pool.fetch(
        f"SELECT leg_id, trader_id, mineral, unit, quantity, filled_quantity, limit_price, "
        f"deadline, status, {_outcome()} AS outcome, kind, tier, origin_country, routed_at, "
        "updated_at FROM legs WHERE order_id = $1 ORDER BY routed_at, leg_id",
        order_id,
    )
    fills = await pool.fetch(
        "SELECT fill_id, leg_id, quantity, unit_price, lot_reference, filled_at, recorded_at "
        "FROM fills WHERE order_id = $1 ORDER BY recorded_at, fill_id",
        order_id,
    )
    closings = await pool.fetch(
        "SELECT leg_id, reason, filled, undone, detail, closed_at FROM closings "
        "WHERE order_id = $1",
        order_id,
    )
    by_leg: dict[str, Row] = {row["leg_id"]: {**dict(row), "fills": []} for row in legs}
    for fill in fills:
        if fill["leg_id"] in by_leg:
            by_leg[fill["leg_id"]]["fills"].append(dict(fill))
    for closing in closings:
        if closing["leg_id"] in by_leg:
            by_leg[closing["leg_id"]]["closing"] = dict(closing)
    return list(by_leg.values())
