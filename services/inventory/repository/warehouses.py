"""Warehouses: the sites that may have custody of the program's material."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import asyncpg

from services.inventory.domain import Warehouse, WarehouseKind
from shared.db import Connection

COLUMNS = "warehouse_id, name, kind, location, operator"


def warehouse_from(row: asyncpg.Record | Mapping[str, Any]) -> Warehouse:
    return Warehouse(
        warehouse_id=row["warehouse_id"],
        name=row["name"],
        kind=WarehouseKind(row["kind"]),
        location=row["location"],
        operator=row["operator"],
    )


async def register(conn: Connection, warehouse: Warehouse) -> Warehouse | None:
    """Add ``warehouse``; when its id is registered already, the warehouse stored under it.

    The caller holds the id's registration lock, so a row the insert did not add was
    committed before this statement began, and the same statement reads it.
    """
    row = await conn.fetchrow(
        f"WITH added AS (INSERT INTO warehouses ({COLUMNS}) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT DO NOTHING RETURNING warehouse_id) "
        f"SELECT {COLUMNS} FROM warehouses WHERE warehouse_id = $1 "
        "AND NOT EXISTS (SELECT 1 FROM added)",
        warehouse.warehouse_id,
        warehouse.name,
        warehouse.kind.value,
        warehouse.location,
        warehouse.operator,
    )
    return None if row is None else warehouse_from(row)


def warehouses_from_json(text: str) -> dict[str, Warehouse]:
    """Warehouses aggregated by a query as ``json_agg`` of their rows."""
    return {w.warehouse_id: w for w in map(warehouse_from, json.loads(text))}
