"""Releases performed: the request as made, and the replenishment demand it raised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from services.inventory.domain import Unit
from shared.db import Connection


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseRecord:
    release_id: str
    manufacturer_id: str
    mineral: str
    quantity: Decimal
    unit: Unit
    warehouse_id: str | None
    rule: str
    replenishment_request_id: str
    deliver_by: date
    performed_at: datetime


_COLUMNS = (
    "release_id, manufacturer_id, mineral, quantity, unit, warehouse_id, rule, "
    "replenishment_request_id, deliver_by, performed_at"
)


async def insert(conn: Connection, release: ReleaseRecord) -> None:
    await conn.execute(
        f"INSERT INTO releases ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        release.release_id,
        release.manufacturer_id,
        release.mineral,
        release.quantity,
        release.unit.value,
        release.warehouse_id,
        release.rule,
        release.replenishment_request_id,
        release.deliver_by,
        release.performed_at,
    )


async def get(conn: Connection, manufacturer_id: str, release_id: str) -> ReleaseRecord | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM releases WHERE manufacturer_id = $1 AND release_id = $2",
        manufacturer_id,
        release_id,
    )
    if row is None:
        return None
    return ReleaseRecord(
        release_id=row["release_id"],
        manufacturer_id=row["manufacturer_id"],
        mineral=row["mineral"],
        quantity=row["quantity"],
        unit=Unit(row["unit"]),
        warehouse_id=row["warehouse_id"],
        rule=row["rule"],
        replenishment_request_id=row["replenishment_request_id"],
        deliver_by=row["deliver_by"],
        performed_at=row["performed_at"],
    )
