"""Registering a warehouse, and booking the fills that were held because it was unknown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import structlog

from services.inventory.domain import (
    AlreadyBooked,
    Booking,
    HeldForOps,
    Receipt,
    Warehouse,
    receipt_id_for,
)
from services.inventory.handlers.book_fills import Arrived, book_fills
from services.inventory.repository import held_fills, locks, warehouses
from shared.contracts import Unit
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
    conn: Connection, warehouse: Warehouse, mineral_units: Mapping[str, Unit]
) -> Registered | WarehouseConflict:
    await locks.registration(conn, warehouse.warehouse_id)
    existing = await warehouses.register(conn, warehouse)
    if existing is not None and existing != warehouse:
        return WarehouseConflict(existing)
    if existing is None:
        log.info(
            "warehouse_registered",
            warehouse_id=warehouse.warehouse_id,
            kind=warehouse.kind.value,
            operator=warehouse.operator,
        )
    held = await held_fills.open_for_warehouse(conn, warehouse.warehouse_id)
    decisions = await book_fills(
        conn, [Arrived(h.fill, h.event_id, h.correlation_id) for h in held], mineral_units
    )
    booked: dict[str, str] = {}
    still: dict[str, str] = {}
    for h, decision in zip(held, decisions, strict=True):
        if isinstance(decision, Receipt):
            booked[h.fill.fill_id] = decision.movement.movement_id
            log.info(
                "held_fill_booked", fill_id=h.fill.fill_id, warehouse_id=warehouse.warehouse_id
            )
        elif isinstance(decision, AlreadyBooked):
            booked[h.fill.fill_id] = receipt_id_for(h.fill.fill_id)
        else:
            assert isinstance(decision, HeldForOps)
            still[h.fill.fill_id] = decision.reason
    await held_fills.settle(conn, booked, still)
    return Registered(warehouse, created=existing is None, held_fills=decisions)
