"""The supply book in SQL: offers as traders publish, revise and withdraw them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import asyncpg

from services.sourcing.domain import Offer, SupplyBook
from shared.contracts import OfferPublished
from shared.db import Connection


class OfferChange(StrEnum):
    ADDED = "added"
    REVISED = "revised"
    STALE = "stale"
    """An older version than the one held: ignored."""
    WITHDRAWN = "withdrawn"
    """Withdrawal is final; a later revision of the same id is ignored."""
    FOREIGN = "foreign"
    """The offer id belongs to another trader."""


async def publish(conn: Connection, offer: OfferPublished, published_at: datetime) -> OfferChange:
    """Add the offer to the book, or revise it; what legs already took stays taken.

    A revision changes quantity, price, warehouse and dates; mineral and origin define
    the offer, so a change of them would be a new offer id. One statement when the
    offer is new or revised; a refused one is read back to say why.
    """
    written = await conn.fetchval(
        """
        INSERT INTO offers (offer_id, trader_id, mineral, market, origin_country, quantity, unit,
                            unit_price, warehouse_id, available_on, valid_until, published_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (offer_id) DO UPDATE SET
            quantity = EXCLUDED.quantity, unit_price = EXCLUDED.unit_price,
            warehouse_id = EXCLUDED.warehouse_id, available_on = EXCLUDED.available_on,
            valid_until = EXCLUDED.valid_until,
            published_at = EXCLUDED.published_at, updated_at = now()
        WHERE offers.trader_id = EXCLUDED.trader_id AND offers.withdrawn_at IS NULL
          AND offers.published_at <= EXCLUDED.published_at
        RETURNING xmax = 0
        """,
        offer.offer_id,
        offer.trader_id,
        offer.mineral,
        offer.market,
        offer.origin_country,
        offer.quantity.amount,
        offer.quantity.unit,
        offer.unit_price.amount,
        offer.warehouse_id,
        offer.available_on,
        offer.valid_until,
        published_at,
    )
    if written is not None:
        # xmax is 0 on a row version this statement inserted, not on one it updated.
        return OfferChange.ADDED if written else OfferChange.REVISED
    held = await conn.fetchrow(
        "SELECT trader_id, withdrawn_at FROM offers WHERE offer_id = $1", offer.offer_id
    )
    assert held is not None  # the conflict was with it, and offers are never deleted
    if held["trader_id"] != offer.trader_id:
        return OfferChange.FOREIGN
    if held["withdrawn_at"] is not None:
        return OfferChange.WITHDRAWN
    return OfferChange.STALE


async def withdraw(
    conn: Connection, offer_id: str, trader_id: str, at: datetime
) -> OfferChange | None:
    """Take the offer out of the book; None when no such offer is known."""
    done = await conn.fetchval(
        "UPDATE offers SET withdrawn_at = $3, updated_at = now() "
        "WHERE offer_id = $1 AND trader_id = $2 AND withdrawn_at IS NULL RETURNING true",
        offer_id,
        trader_id,
        at,
    )
    if done:
        return OfferChange.WITHDRAWN
    held = await conn.fetchval("SELECT trader_id FROM offers WHERE offer_id = $1", offer_id)
    if held is None:
        return None
    # Withdrawn before: withdrawal is final, and saying so again changes nothing.
    return OfferChange.FOREIGN if held != trader_id else OfferChange.WITHDRAWN


async def load(conn: Connection, minerals: Iterable[str], now: datetime) -> dict[str, SupplyBook]:
    """The live offers of the minerals with what is left of each: the books decisions see.

    Withdrawn, expired and used-up offers are left out: they could not be taken, and
    a decision's record lists what it could have chosen from.
    """
    rows = await conn.fetch(
        """
        SELECT offer_id, trader_id, mineral, origin_country, quantity, unit_price, warehouse_id,
               available_on, valid_until, taken
        FROM offers
        WHERE mineral = ANY($1::text[]) AND withdrawn_at IS NULL AND valid_until >= $2
          AND quantity > taken
        ORDER BY offer_id
        """,
        sorted(set(minerals)),
        now,
    )
    by_mineral: dict[str, list[asyncpg.Record]] = {}
    for row in rows:
        by_mineral.setdefault(row["mineral"], []).append(row)
    return {mineral: _book(group) for mineral, group in by_mineral.items()}


def _book(rows: list[asyncpg.Record]) -> SupplyBook:
    book = SupplyBook.of(
        Offer(
            offer_id=r["offer_id"],
            trader_id=r["trader_id"],
            mineral=r["mineral"],
            origin_country=r["origin_country"],
            quantity=r["quantity"],
            unit_price=r["unit_price"],
            warehouse=r["warehouse_id"],
            available_on=r["available_on"],
            valid_until=r["valid_until"],
        )
        for r in rows
    )
    return book.consume({r["offer_id"]: r["taken"] for r in rows if r["taken"] > 0})


async def take(conn: Connection, taken: Mapping[str, Decimal]) -> None:
    """Record what new legs took from each offer, in one statement."""
    if taken:
        await conn.execute(
            "UPDATE offers o SET taken = o.taken + u.quantity, updated_at = now() "
            "FROM unnest($1::text[], $2::numeric[]) AS u(offer_id, quantity) "
            "WHERE o.offer_id = u.offer_id",
            list(taken),
            list(taken.values()),
        )
