"""The one query behind both services' reconciliation listings of legs.

The gateway and sourcing each keep ``legs`` and ``fills`` tables of their own (one
database each), shaped alike on purpose: a leg id, its order, quantity, filled total
and status, and its fills by fill id. Only the filled total's column is named apart.
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from shared.db import Connection
from shared.reconciliation.facts import FillFact

_FILLED_COLUMNS = frozenset({"filled", "filled_quantity"})


async def legs_with_fills(
    db: Connection | asyncpg.Pool, *, filled_column: str, after: str | None, limit: int
) -> list[dict[str, Any]]:
    """Every leg with its fills, by leg id, ``limit`` at a time after ``after``."""
    if filled_column not in _FILLED_COLUMNS:
        raise ValueError(f"not a filled-total column: {filled_column!r}")
    rows = await db.fetch(
        f"SELECT l.leg_id, l.order_id, l.quantity, l.{filled_column} AS filled, l.status, "
        "coalesce(json_agg(json_build_object('fill_id', f.fill_id, 'quantity', f.quantity::text) "
        "ORDER BY f.fill_id) FILTER (WHERE f.fill_id IS NOT NULL), '[]') AS fills "
        "FROM legs l LEFT JOIN fills f ON f.leg_id = l.leg_id "
        "WHERE ($1::text IS NULL OR l.leg_id > $1) "
        "GROUP BY l.leg_id ORDER BY l.leg_id LIMIT $2",
        after,
        limit,
    )
    return [
        {
            "leg_id": row["leg_id"],
            "order_id": row["order_id"],
            "quantity": row["quantity"],
            "filled": row["filled"],
            "status": row["status"],
            "fills": [FillFact.model_validate(f) for f in json.loads(row["fills"])],
        }
        for row in rows
    ]
