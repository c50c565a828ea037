"""Fills held for ops: kept whole, with the reason, until they can be booked."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
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


COLUMNS = "fill, reason, event_id, correlation_id, held_at, booked_at, movement_id"


def held_from_row(row: asyncpg.Record) -> HeldFill:
    return HeldFill(
        fill=FillRecorded.model_validate_json(row["fill"]),
        reason=row["reason"],
        event_id=row["event_id"],
        correlation_id=row["correlation_id"],
        held_at=row["held_at"],
        booked_at=row["booked_at"],
        movement_id=row["movement_id"],
    )


@dataclass(frozen=True, slots=True)
class ToHold:
    """A fill to keep for ops, with why, and the event that brought it (its story goes on)."""

    fill: FillRecorded
    reason: str
    event_id: uuid.UUID
    correlation_id: str


async def hold(conn: Connection, held: Sequence[ToHold]) -> set[str]:
    """Keep fills for ops; returns the fill ids newly held (the others were held already)."""
    if not held:
        return set()
    rows = await conn.fetch(
        "INSERT INTO held_fills (fill_id, order_id, warehouse_id, mineral, reason, fill, "
        "event_id, correlation_id) "
        "SELECT f, o, w, m, r, j::jsonb, e, c FROM unnest($1::text[], $2::text[], $3::text[], "
        "$4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[]) AS u(f, o, w, m, r, j, e, c) "
        "ON CONFLICT (fill_id) DO NOTHING RETURNING fill_id",
        [h.fill.fill_id for h in held],
        [h.fill.order_id for h in held],
        [h.fill.warehouse_id for h in held],
        [h.fill.mineral for h in held],
        [h.reason for h in held],
        [h.fill.model_dump_json() for h in held],
        [h.event_id for h in held],
        [h.correlation_id for h in held],
    )
    return {row["fill_id"] for row in rows}


async def open_for_warehouse(conn: Connection, warehouse_id: str) -> list[HeldFill]:
    """The fills still held for ``warehouse_id``, in the order they were held, locked."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM held_fills WHERE warehouse_id = $1 AND booked_at IS NULL "
        "ORDER BY held_at, fill_id FOR UPDATE",
        warehouse_id,
    )
    return [held_from_row(row) for row in rows]


async def settle(
    conn: Connection, booked: Mapping[str, str], still_held: Mapping[str, str]
) -> None:
    """Fills booked at last (fill id -> movement id), and fills held for another reason now."""
    if not booked and not still_held:
        return
    await conn.execute(
        "UPDATE held_fills h SET "
        "booked_at = CASE WHEN u.movement_id IS NULL THEN h.booked_at ELSE now() END, "
        "movement_id = coalesce(u.movement_id, h.movement_id), "
        "reason = coalesce(u.reason, h.reason) "
        "FROM unnest($1::text[], $2::text[], $3::text[]) AS u(fill_id, movement_id, reason) "
        "WHERE h.fill_id = u.fill_id",
        [*booked, *still_held],
        [*booked.values(), *(None for _ in still_held)],
        [*(None for _ in booked), *still_held.values()],
    )
