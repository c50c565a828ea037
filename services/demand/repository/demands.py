"""The demands table (migrations/001_demands.sql), written a batch at a time: plain SQL.

Every statement takes a whole batch (arrays, ``unnest``): a batch of 200 demands
costs the same few round trips as one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

import asyncpg

from services.demand.domain import Channel, DemandKey, DemandRecord, Status
from shared.contracts.demand import DemandKind
from shared.db import Connection, columns

COLUMNS = (
    "manufacturer_id, request_id, status, order_id, fingerprint, demand, reasons, kind, channel,"
    " received_at, updated_at, attempts"
)
_UNNEST = (
    "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
    " $8::text[], $9::text[], $10::int[])"
    " AS u(manufacturer_id, request_id, status, order_id, fingerprint, demand, reasons, kind,"
    " channel, attempts)"
)


# The advisory lock space of demand's keys (two-int form; the outbox relay's is 7_411_002).
KEY_LOCKS = 7_411_003


async def serialise(conn: Connection, keys: Sequence[DemandKey]) -> None:
    """Take each key's transaction lock, every writer in one order (by hash): before any row.

    ``insert_new`` locks the new keys and ``lock`` the stored ones, each in key order but
    one after the other, so two batches sharing keys could lock them in crossed orders and
    deadlock: they do whenever a sender keys its records otherwise than by request (no key,
    a random one), which puts one request id on several partitions applied side by side
    (issue 13's fuzzer saw partitions retry deadlocks for tens of seconds). A key's lock is
    taken before any of its rows is touched, in one order for all, so no cycle can form.
    """
    if not keys:
        return
    await conn.execute(
        "SELECT pg_advisory_xact_lock($1, h) FROM (SELECT DISTINCT hashtext(m || E'\\n' || r) AS h"
        " FROM unnest($2::text[], $3::text[]) AS k(m, r)) AS s ORDER BY h",
        KEY_LOCKS,
        [k.manufacturer_id for k in keys],
        [k.request_id for k in keys],
    )


async def insert_new(conn: Connection, records: Sequence[DemandRecord]) -> set[DemandKey]:
    """Store the records whose key is free; returns the keys stored.

    A key taken by a concurrent transaction makes this wait for it and skip the row;
    ``lock`` then finds it. No conflict target: two racing inserts of one key can also
    meet first on the ``order_id`` index (derived from the key).
    """
    if not records:
        return set()
    rows = await conn.fetch(
        "INSERT INTO demands (manufacturer_id, request_id, status, order_id, fingerprint,"
        " demand, reasons, kind, channel, attempts)"
        " SELECT manufacturer_id, request_id, status, order_id, fingerprint, demand::jsonb,"
        f" reasons::jsonb, kind, channel, attempts FROM {_UNNEST}"
        " ON CONFLICT DO NOTHING RETURNING manufacturer_id, request_id",
        *_columns(records),
    )
    return {DemandKey(row["manufacturer_id"], row["request_id"]) for row in rows}


async def lock(conn: Connection, keys: Sequence[DemandKey]) -> dict[DemandKey, DemandRecord]:
    """The stored answers, locked until the transaction ends (in key order: no deadlock)."""
    if not keys:
        return {}
    ordered = sorted(set(keys))
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM demands d"
        " JOIN unnest($1::text[], $2::text[]) AS k(m, r) ON (d.manufacturer_id, d.request_id) = (k.m, k.r)"
        " ORDER BY d.manufacturer_id, d.request_id FOR UPDATE OF d",
        [k.manufacturer_id for k in ordered],
        [k.request_id for k in ordered],
    )
    found = (record_of(row) for row in rows)
    return {record.key: record for record in found}


async def save(conn: Connection, records: Sequence[DemandRecord]) -> None:
    """Write the answers of locked keys: a resend counted, a rejected id judged again."""
    if not records:
        return
    await conn.execute(
        "UPDATE demands d SET status = u.status, order_id = u.order_id,"
        " fingerprint = u.fingerprint, demand = u.demand::jsonb, reasons = u.reasons::jsonb,"
        " kind = u.kind, channel = u.channel, attempts = u.attempts, updated_at = now()"
        f" FROM {_UNNEST}"
        " WHERE (d.manufacturer_id, d.request_id) = (u.manufacturer_id, u.request_id)",
        *_columns(records),
    )


def _columns(records: Sequence[DemandRecord]) -> list[list[Any]]:
    return columns(
        records,
        lambda r: (
            r.manufacturer_id,
            r.request_id,
            r.status,
            r.order_id,
            r.fingerprint,
            None if r.demand is None else json.dumps(r.demand),
            json.dumps(r.reasons),
            r.kind,
            r.channel,
            r.attempts,
        ),
    )


def record_of(row: asyncpg.Record) -> DemandRecord:
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
