"""Registering a warehouse, and booking the fills that were waiting for it."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from services.inventory.domain import Warehouse
from services.inventory.handlers.receipts import Booking, book_held_fills
from services.inventory.repository import locks, warehouses
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Registered:
    warehouse: Warehouse
    created: bool
    # Fills that were held for this warehouse, now booked or (for another reason) still held.
    held_fills: list[Booking]


@dataclass(frozen=True, slots=True)
class WarehouseConflict:
    """The id is registered already, with other details; a register is not an edit."""

    existing: Warehouse


async def register_warehouse(
    conn: Connection, warehouse: Warehouse
) -> Registered | WarehouseConflict:
    await locks.lock_warehouse(conn, warehouse.warehouse_id)
    existing = await warehouses.get(conn, warehouse.warehouse_id)
    if existing is not None and existing != warehouse:
        return WarehouseConflict(existing)
    if existing is None:
        await warehouses.insert(conn, warehouse)
        log.info(
            "warehouse_registered",
            warehouse_id=warehouse.warehouse_id,
            kind=warehouse.kind.value,
            operator=warehouse.operator,
        )
    booked = await book_held_fills(conn, warehouse.warehouse_id)
    return Registered(warehouse, created=existing is None, held_fills=booked)
