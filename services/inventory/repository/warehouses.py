"""Warehouses: the sites that may have custody of the program's material."""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from services.inventory.domain import Warehouse, WarehouseKind
from shared.db import Connection

_COLUMNS = "warehouse_id, name, kind, location, operator"


def _warehouse(row: asyncpg.Record) -> Warehouse:
    return Warehouse(
        warehouse_id=row["warehouse_id"],
        name=row["name"],
        kind=WarehouseKind(row["kind"]),
        location=row["location"],
        operator=row["operator"],
    )


async def get(conn: Connection, warehouse_id: str) -> Warehouse | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM warehouses WHERE warehouse_id = $1", warehouse_id
    )
    return None if row is None else _warehouse(row)


async def by_ids(conn: Connection, warehouse_ids: Iterable[str]) -> dict[str, Warehouse]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM warehouses WHERE warehouse_id = ANY($1::text[])",
        list(warehouse_ids),
    )
    return {row["warehouse_id"]: _warehouse(row) for row in rows}


async def all_warehouses(conn: Connection | asyncpg.Pool) -> list[Warehouse]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM warehouses ORDER BY warehouse_id")
    return [_warehouse(row) for row in rows]


async def insert(conn: Connection, warehouse: Warehouse) -> None:
    await conn.execute(
        f"INSERT INTO warehouses ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5)",
        warehouse.warehouse_id,
        warehouse.name,
        warehouse.kind.value,
        warehouse.location,
        warehouse.operator,
    )
