"""Read-side SQL for ops' gauges: what the stockpile holds, in the dimensions dashboards chart.

Apart from ``views.py`` (what the API answers) because these reads feed metrics only.
"""

from __future__ import annotations

from typing import Any

import asyncpg

Row = dict[str, Any]


async def holdings_by_dimension(pool: asyncpg.Pool) -> list[Row]:
    """Held quantity per mineral, tier, warehouse kind and origin country (positive only)."""
    rows = await pool.fetch(
        "SELECT b.mineral, b.unit, b.tier, w.kind AS warehouse_kind, b.origin_country, "
        "sum(b.quantity) AS quantity "
        "FROM balances b JOIN warehouses w ON w.warehouse_id = b.warehouse_id "
        "WHERE b.quantity > 0 "
        "GROUP BY b.mineral, b.unit, b.tier, w.kind, b.origin_country"
    )
    return [dict(row) for row in rows]


async def fills_held_for_ops(pool: asyncpg.Pool) -> int:
    """Fills not booked as they stood and not yet resolved."""
    count: int = await pool.fetchval("SELECT count(*) FROM held_fills WHERE booked_at IS NULL")
    return count
