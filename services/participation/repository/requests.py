"""Commitment demand participation asked for (migrations/001), per pass."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from shared.contracts.participation import CommitmentDemanded
from shared.db import Connection, columns


async def lock_pacing(conn: Connection) -> bool:
    """One pacing pass at a time across replicas (False: another is running)."""
    return bool(await conn.fetchval("SELECT pg_try_advisory_xact_lock(1603, 0)"))


async def requested_since(conn: Connection, mineral: str, since: datetime) -> Decimal:
    total = await conn.fetchval(
        "SELECT coalesce(sum(quantity), 0) FROM commitment_requests"
        " WHERE mineral = $1 AND requested_at >= $2",
        mineral,
        since,
    )
    return Decimal(total)


async def insert(conn: Connection, asked: Sequence[CommitmentDemanded]) -> None:
    if not asked:
        return
    await conn.execute(
        "INSERT INTO commitment_requests (request_id, manufacturer_id, mineral, quantity, unit,"
        " limit_price, agreement_version, requested_at) SELECT * FROM unnest($1::text[],"
        " $2::text[], $3::text[], $4::numeric[], $5::text[], $6::numeric[], $7::int[],"
        " $8::timestamptz[])",
        *columns(
            asked,
            lambda a: (
                a.request_id,
                a.manufacturer_id,
                a.mineral,
                a.quantity.amount,
                a.quantity.unit,
                a.limit_price.amount,
                a.agreement_version,
                a.requested_at,
            ),
        ),
    )
