"""The gateway's read side: what traders and ops read back, and the key behind a request.

Every listing filters by the authenticated trader: another trader's leg or offer
reads exactly as one that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import asyncpg

from services.trader_gateway.domain import KeyRecord, Trader
from services.trader_gateway.repository import legs, offers, traders
from services.trader_gateway.repository.legs import LegRecord
from services.trader_gateway.repository.offers import OfferRecord
from shared.db import Connection
from shared.reconciliation import GatewayLeg, reads

Reader = Connection | asyncpg.Pool

# "active": open or partly filled, and before the deadline: what a trader can still act on.
LegFilter = Literal[
    "active", "open", "partially_filled", "filled", "declined", "cancelled", "expired", "all"
]
# "expired" is computed: an active offer past its valid_until no longer routes legs.
OfferFilter = Literal["active", "withdrawn", "expired", "all"]

_OPEN = "status IN ('open', 'partially_filled')"
# As ``Leg.status_at`` has it, in SQL: an open leg past its deadline reads as expired.
_LEGS = {
    "active": f"{_OPEN} AND deadline >= now()",
    "open": "status = 'open' AND deadline >= now()",
    "partially_filled": "status = 'partially_filled' AND deadline >= now()",
    "expired": f"({_OPEN} AND deadline < now()) OR status = 'expired'",
    "filled": "status = 'filled'",
    "declined": "status = 'declined'",
    "cancelled": "status = 'cancelled'",
    "all": "true",
}
_OFFERS = {
    "active": "status = 'active' AND valid_until > now()",
    "withdrawn": "status = 'withdrawn'",
    "expired": "status = 'active' AND valid_until <= now()",
    "all": "true",
}


async def leg(db: Reader, leg_id: str, trader_id: str) -> LegRecord | None:
    row = await db.fetchrow(
        f"SELECT {legs.COLUMNS} FROM legs WHERE leg_id = $1 AND trader_id = $2", leg_id, trader_id
    )
    return None if row is None else legs.record_of(row)


async def legs_page(
    db: Reader,
    trader_id: str,
    *,
    status: LegFilter,
    mineral: str | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[LegRecord]:
    """The trader's legs by deadline (soonest first), then id; keyset-paginated."""
    rows = await db.fetch(
        f"SELECT {legs.COLUMNS} FROM legs WHERE trader_id = $1 AND ({_LEGS[status]}) "
        "AND ($2::text IS NULL OR mineral = $2) "
        "AND ($3::timestamptz IS NULL OR (deadline, leg_id) > ($3, $4)) "
        "ORDER BY deadline, leg_id LIMIT $5",
        trader_id,
        mineral,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [legs.record_of(row) for row in rows]


async def offer(db: Reader, offer_id: str, trader_id: str) -> OfferRecord | None:
    row = await db.fetchrow(
        f"SELECT {offers.COLUMNS} FROM offers WHERE offer_id = $1 AND trader_id = $2",
        offer_id,
        trader_id,
    )
    return None if row is None else offers.record_of(row)


async def offers_page(
    db: Reader,
    trader_id: str,
    *,
    status: OfferFilter,
    mineral: str | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[OfferRecord]:
    """The trader's offers, oldest first, keyset-paginated on (created_at, offer_id)."""
    rows = await db.fetch(
        f"SELECT {offers.COLUMNS} FROM offers WHERE trader_id = $1 AND ({_OFFERS[status]}) "
        "AND ($2::text IS NULL OR mineral = $2) "
        "AND ($3::timestamptz IS NULL OR (created_at, offer_id) > ($3, $4)) "
        "ORDER BY created_at, offer_id LIMIT $5",
        trader_id,
        mineral,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [offers.record_of(row) for row in rows]


async def trader(db: Reader, trader_id: str) -> tuple[Trader, list[KeyRecord]] | None:
    """A trading house as ops read it, with every key it was issued (hashes never shown)."""
    row = await db.fetchrow(
        f"SELECT {traders.COLUMNS} FROM traders WHERE trader_id = $1", trader_id
    )
    if row is None:
        return None
    return traders.trader_of(row), await keys(db, trader_id)


async def keys(db: Reader, trader_id: str) -> list[KeyRecord]:
    """Every key the trader was issued, oldest first."""
    return await traders.keys_of(db, trader_id)


async def key_for_login(db: Reader, key_id: str) -> KeyRecord | None:
    """The key stored under ``key_id``, if its trader is still active."""
    row = await db.fetchrow(
        "SELECT k.key_id, k.trader_id, k.secret_hash, k.scheme, k.created_at, k.revoked_at "
        "FROM api_keys k JOIN traders t USING (trader_id) WHERE k.key_id = $1 AND t.active",
        key_id,
    )
    return None if row is None else traders.key_of(row)


async def legs_for_reconciliation(db: Reader, *, after: str | None, limit: int) -> list[GatewayLeg]:
    """Every leg with its fills, by leg id, ``limit`` at a time after ``after``."""
    rows = await reads.legs_with_fills(
        db, filled_column="filled_quantity", after=after, limit=limit
    )
    return [GatewayLeg(**row) for row in rows]
