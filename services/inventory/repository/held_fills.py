"""Fills held for ops: kept whole, with the reason, until they can be booked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from shared.contracts import FillRecorded
from shared.db import Connection


@dataclass(frozen=True, slots=True, kw_only=True)
class HeldFill:
    fill: FillRecorded
    reason: str
    event_id: uuid.UUID
    correlation_id: str
    held_at: datetime
    booked_at: datetime | None
    movement_id: str | None


_COLUMNS = "fill, reason, event_id, correlation_id, held_at, booked_at, movement_id"


def _held(row: asyncpg.Record) -> HeldFill:
    return HeldFill(
        fill=FillRecorded.model_validate_json(row["fill"]),
        reason=row["reason"],
        event_id=row["event_id"],
        correlation_id=row["correlation_id"],
        held_at=row["held_at"],
        booked_at=row["booked_at"],
        movement_id=row["movement_id"],
    )


async def hold(
    conn: Connection, fill: FillRecorded, reason: str, *, event_id: uuid.UUID, correlation_id: str
) -> bool:
    """Keep ``fill`` for ops; False when it is held already (a resend of the same fill)."""
    inserted = await conn.fetchval(
        "INSERT INTO held_fills (fill_id, order_id, warehouse_id, mineral, reason, fill, "
        "event_id, correlation_id) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) "
        "ON CONFLICT (fill_id) DO NOTHING RETURNING true",
        fill.fill_id,
        fill.order_id,
        fill.warehouse_id,
        fill.mineral,
        reason,
        fill.model_dump_json(),
        event_id,
        correlation_id,
    )
    return bool(inserted)


async def open_for_warehouse(conn: Connection, warehouse_id: str) -> list[HeldFill]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM held_fills WHERE warehouse_id = $1 AND booked_at IS NULL "
        "ORDER BY held_at, fill_id FOR UPDATE",
        warehouse_id,
    )
    return [_held(row) for row in rows]


async def mark_booked(conn: Connection, fill_id: str, movement_id: str) -> None:
    await conn.execute(
        "UPDATE held_fills SET booked_at = now(), movement_id = $2 WHERE fill_id = $1",
        fill_id,
        movement_id,
    )


async def still_held(conn: Connection, fill_id: str, reason: str) -> None:
    await conn.execute("UPDATE held_fills SET reason = $2 WHERE fill_id = $1", fill_id, reason)


async def listed(
    conn: Connection | asyncpg.Pool,
    *,
    warehouse_id: str | None = None,
    order_id: str | None = None,
    include_booked: bool = False,
) -> list[HeldFill]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM held_fills "
        "WHERE ($1::text IS NULL OR warehouse_id = $1) AND ($2::text IS NULL OR order_id = $2) "
        "AND ($3 OR booked_at IS NULL) ORDER BY held_at, fill_id",
        warehouse_id,
        order_id,
        include_booked,
    )
    return [_held(row) for row in rows]
