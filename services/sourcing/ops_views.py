"""Read-side SQL for ops: orders by age, what the waterfall bought, the premium it paid.

Apart from ``views.py`` (an order as its requester reads it back): these reads are
aggregates for the console and the gauges, over every order.

The premium paid over the best allied offer comes from the decision records: each
decision stores ``best_allied_price`` beside the legs it routed, so a fill on such a
leg paid ``max(0, fill price - best allied price)`` per unit more than the allied route.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

Row = dict[str, Any]

# Upper bounds in seconds, and the label each bucket gets (the last has no bound).
AGE_BUCKETS: tuple[tuple[str, float | None], ...] = (
    ("under_1h", 3600.0),
    ("1h_to_1d", 86_400.0),
    ("1d_to_7d", 7 * 86_400.0),
    ("over_7d", None),
)
OPEN_STATUSES = ("routed", "partly_filled", "waiting")

_AGE_CASE = (
    "CASE "
    + " ".join(
        f"WHEN extract(epoch FROM now() - created_at) < {bound} THEN '{name}'"
        for name, bound in AGE_BUCKETS
        if bound is not None
    )
    + f" ELSE '{AGE_BUCKETS[-1][0]}' END"
)

# Each leg a decision routed, with that decision's best allied price (when it had one).
_ROUTED_AGAINST = """
    SELECT leg->>'leg_id' AS leg_id, (d.record->>'best_allied_price')::numeric AS best_allied
    FROM decisions d CROSS JOIN LATERAL jsonb_array_elements(d.record->'legs') AS leg
    WHERE d.record->>'best_allied_price' IS NOT NULL
"""


async def open_orders_by_age(pool: asyncpg.Pool) -> list[Row]:
    """Orders not finished (routed, partly filled, waiting), by status and age bucket."""
    rows = await pool.fetch(
        f"SELECT status, {_AGE_CASE} AS age, count(*) AS n FROM orders "
        "WHERE status = ANY($1::text[]) GROUP BY 1, 2",
        list(OPEN_STATUSES),
    )
    return [dict(row) for row in rows]


async def oldest_waiting(pool: asyncpg.Pool) -> list[Row]:
    """Per mineral, how long the oldest order with uncovered quantity has waited (seconds)."""
    rows = await pool.fetch(
        "SELECT mineral, extract(epoch FROM now() - min(created_at))::float8 AS seconds "
        "FROM orders WHERE status <> 'expired' AND open_quantity > 0 GROUP BY mineral"
    )
    return [dict(row) for row in rows]


async def bought_by_tier(pool: asyncpg.Pool) -> list[Row]:
    """Per mineral and tier: quantity filled, what it cost, and the premium over allied."""
    rows = await pool.fetch(
        f"""
        WITH routed AS ({_ROUTED_AGAINST})
        SELECT o.mineral, o.unit, f.tier, sum(f.quantity) AS quantity,
               sum(f.quantity * f.unit_price) AS spent_usd,
               coalesce(sum(f.quantity * greatest(f.unit_price - r.best_allied, 0)), 0)
                   AS premium_usd
        FROM fills f JOIN orders o USING (order_id)
        LEFT JOIN routed r ON r.leg_id = f.leg_id
        GROUP BY o.mineral, o.unit, f.tier ORDER BY o.mineral, f.tier
        """
    )
    return [dict(row) for row in rows]


async def premium_fills(pool: asyncpg.Pool, limit: int) -> list[Row]:
    """The fills that paid most over the best allied offer, dearest first."""
    rows = await pool.fetch(
        f"""
        WITH routed AS ({_ROUTED_AGAINST})
        SELECT f.fill_id, f.order_id, o.mineral, o.unit, f.trader_id, f.tier,
               f.origin_country, f.quantity, f.unit_price, r.best_allied,
               f.quantity * (f.unit_price - r.best_allied) AS premium_usd, f.filled_at
        FROM fills f JOIN orders o USING (order_id) JOIN routed r ON r.leg_id = f.leg_id
        WHERE f.unit_price > r.best_allied
        ORDER BY premium_usd DESC, f.fill_id LIMIT $1
        """,
        limit,
    )
    return [dict(row) for row in rows]


async def search_orders(
    pool: asyncpg.Pool,
    *,
    order_id: str | None,
    manufacturer_id: str | None,
    mineral: str | None,
    status: str | None,
    oldest_first: bool,
    limit: int,
    now: datetime | None = None,
) -> list[Row]:
    """Orders matching every filter given (an order id matches as a prefix)."""
    direction = "ASC" if oldest_first else "DESC"
    rows = await pool.fetch(
        "SELECT order_id, manufacturer_id, request_id, kind, mineral, unit, quantity, filled, "
        "open_quantity AS open, open_reason AS reason, status, deliver_by, created_at, "
        "updated_at, extract(epoch FROM coalesce($6, now()) - created_at)::float8 AS age_s "
        "FROM orders WHERE ($1::text IS NULL OR starts_with(order_id, $1)) "
        "AND ($2::text IS NULL OR manufacturer_id = $2) AND ($3::text IS NULL OR mineral = $3) "
        "AND ($4::text IS NULL OR status = $4) "
        f"ORDER BY created_at {direction}, order_id {direction} LIMIT $5",
        order_id,
        manufacturer_id,
        mineral,
        status,
        limit,
        now,
    )
    return [dict(row) for row in rows]


async def fills_recorded(pool: asyncpg.Pool, order_id: str) -> list[Row]:
    """When sourcing recorded each of the order's fills (``filled_at`` is the trader's time)."""
    rows = await pool.fetch(
        "SELECT fill_id, recorded_at FROM fills WHERE order_id = $1 ORDER BY recorded_at",
        order_id,
    )
    return [dict(row) for row in rows]
