"""The demands table (migrations/001_demands.sql): plain, parameterised SQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

import asyncpg

from services.demand.domain import DemandKey
from shared.contracts.demand import DemandKind
from shared.db import Connection

Status = Literal["accepted", "rejected"]
Channel = Literal["kafka", "http"]

_COLUMNS = (
    "manufacturer_id, request_id, status, order_id, fingerprint, demand, reasons, kind, channel,"
    " received_at, updated_at, attempts"
)


@dataclass(frozen=True, slots=True)
class DemandRecord:
    """A stored answer to a (manufacturer, request id)."""

    manufacturer_id: str
    request_id: str
    status: Status
    order_id: str | None
    fingerprint: str | None
    demand: dict[str, str | None] | None  # as normalised on acceptance
    reasons: list[dict[str, str | None]]  # code, message, field
    kind: DemandKind | None
    channel: Channel
    # Set by the database; None on a record not yet saved.
    received_at: datetime | None = None
    updated_at: datetime | None = None
    attempts: int = 1

    @property
    def key(self) -> DemandKey:
        return DemandKey(self.manufacturer_id, self.request_id)


async def insert_if_new(conn: Connection, record: DemandRecord) -> bool:
    """Store the first answer under its key; False if the key is taken.

    A concurrent insert of the same key makes this wait for that transaction, so
    a False here is always followed by a row that ``lock`` can see. No conflict target:
    two racing inserts of one key can also meet first on the ``order_id`` index (derived
    from the key), which a target of the primary key alone would raise on.
    """
    inserted = await conn.fetchval(
        "INSERT INTO demands (manufacturer_id, request_id, status, order_id, fingerprint,"
        " demand, reasons, kind, channel)"
        " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9)"
        " ON CONFLICT DO NOTHING RETURNING true",
        *_values(record),
    )
    return bool(inserted)


async def lock(conn: Connection, key: DemandKey) -> DemandRecord | None:
    """The stored answer, locked until the transaction ends: resends of one key queue here."""
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM demands WHERE manufacturer_id = $1 AND request_id = $2 FOR UPDATE",
        *key,
    )
    return None if row is None else _record(row)


async def replace_rejected(conn: Connection, record: DemandRecord) -> None:
    """A corrected resend of a rejected demand: the new answer takes its place."""
    await conn.execute(
        "UPDATE demands SET status = $3, order_id = $4, fingerprint = $5, demand = $6::jsonb,"
        " reasons = $7::jsonb, kind = $8, channel = $9, updated_at = now(),"
        " attempts = attempts + 1"
        " WHERE manufacturer_id = $1 AND request_id = $2 AND status = 'rejected'",
        *_values(record),
    )


async def count_resend(conn: Connection, key: DemandKey) -> None:
    await conn.execute(
        "UPDATE demands SET attempts = attempts + 1, updated_at = now()"
        " WHERE manufacturer_id = $1 AND request_id = $2",
        *key,
    )


async def find(conn: Connection | asyncpg.Pool, key: DemandKey) -> DemandRecord | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM demands WHERE manufacturer_id = $1 AND request_id = $2", *key
    )
    return None if row is None else _record(row)


def _values(record: DemandRecord) -> tuple[object, ...]:
    return (
        record.manufacturer_id,
        record.request_id,
        record.status,
        record.order_id,
        record.fingerprint,
        None if record.demand is None else json.dumps(record.demand),
        json.dumps(record.reasons),
        record.kind,
        record.channel,
    )


def _record(row: asyncpg.Record) -> DemandRecord:
    demand: Any = row["demand"]
    return DemandRecord(
        manufacturer_id=row["manufacturer_id"],
        request_id=row["request_id"],
        status=cast(Status, row["status"]),
        order_id=row["order_id"],
        fingerprint=row["fingerprint"],
        demand=None if demand is None else json.loads(demand),
        reasons=json.loads(row["reasons"]),
        kind=cast("DemandKind | None", row["kind"]),
        channel=cast(Channel, row["channel"]),
        received_at=row["received_at"],
        updated_at=row["updated_at"],
        attempts=row["attempts"],
    )
