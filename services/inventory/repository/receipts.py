"""What booking a batch of fills needs to know, learnt in one statement for the whole batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.inventory.domain import Fill, Warehouse, lot_id_for
from services.inventory.repository.warehouses import COLUMNS, warehouses_from_json
from shared.db import Connection


@dataclass(frozen=True, slots=True)
class Known:
    warehouses: dict[str, Warehouse]  # of those the fills name, the registered ones
    booked_fill_ids: set[str]  # of the fills, those with a receipt on the ledger
    lot_ids: set[str]  # of the lot ids the fills would be booked as, those that exist


async def known(conn: Connection, fills: Sequence[Fill]) -> Known:
    """Which warehouses the fills name are registered, which fills are booked, which lot ids exist."""
    row = await conn.fetchrow(
        f"SELECT (SELECT coalesce(json_agg(w), '[]') FROM (SELECT {COLUMNS} FROM warehouses "
        "WHERE warehouse_id = ANY($1::text[])) w) AS warehouses, "
        "ARRAY(SELECT fill_id FROM movements WHERE kind = 'receipt' "
        "AND fill_id = ANY($2::text[])) AS booked, "
        "ARRAY(SELECT lot_id FROM lots WHERE lot_id = ANY($3::text[])) AS lots",
        sorted({fill.warehouse_id for fill in fills}),
        [fill.fill_id for fill in fills],
        [lot_id_for(fill.fill_id) for fill in fills],
    )
    assert row is not None
    return Known(warehouses_from_json(row["warehouses"]), set(row["booked"]), set(row["lots"]))
