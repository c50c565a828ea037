"""Releases performed: the request as made, the replenishment it raised, and what it drew."""

from __future__ import annotations

from typing import cast

from services.inventory.domain import Release, ReleaseRule
from services.inventory.repository.ledger import movement_from_row, prefixed
from shared.contracts import Unit
from shared.db import Connection

_COLUMNS = (
    "release_id, manufacturer_id, mineral, quantity, unit, warehouse_id, rule, "
    "replenishment_request_id, deliver_by, performed_at, replenishment_limit"
)
_R_COLUMNS = ", ".join(f"r.{name.strip()}" for name in _COLUMNS.split(","))


async def claim(conn: Connection, release: Release) -> bool:
    """Record the release under its id; False when the id is taken (a retry, or a reuse)."""
    inserted = await conn.fetchval(
        f"INSERT INTO releases ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
        "ON CONFLICT DO NOTHING RETURNING true",
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
        release.replenishment_limit,
    )
    return bool(inserted)


async def get(conn: Connection, manufacturer_id: str, release_id: str) -> Release | None:
    """A release performed and what it drew, lot by lot, in the order it drew them."""
    rows = await conn.fetch(
        f"SELECT {_R_COLUMNS}, {prefixed('m', 'm_')} FROM releases r "
        "LEFT JOIN movements m ON m.release_id = r.release_id "
        "AND m.owner = r.manufacturer_id AND m.kind = 'release' "
        "WHERE r.manufacturer_id = $1 AND r.release_id = $2 ORDER BY m.seq",
        manufacturer_id,
        release_id,
    )
    if not rows:
        return None
    row = rows[0]
    return Release(
        release_id=row["release_id"],
        manufacturer_id=row["manufacturer_id"],
        mineral=row["mineral"],
        quantity=row["quantity"],
        unit=Unit(row["unit"]),
        warehouse_id=row["warehouse_id"],
        rule=cast(ReleaseRule, row["rule"]),
        replenishment_request_id=row["replenishment_request_id"],
        deliver_by=row["deliver_by"],
        performed_at=row["performed_at"],
        replenishment_limit=row["replenishment_limit"],
        draws=tuple(movement_from_row(r, "m_") for r in rows if r["m_movement_id"] is not None),
    )
