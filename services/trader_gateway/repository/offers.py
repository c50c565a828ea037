"""Offers: what traders can supply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from services.trader_gateway.domain import Offer, OfferStatus
from shared.contracts import Unit
from shared.db import Connection

COLUMNS = (
    "offer_id, trader_id, mineral, market, origin_country, unit, quantity, unit_price, "
    "warehouse_id, available_on, valid_until, status, created_at, updated_at"
)


@dataclass(frozen=True, slots=True)
class OfferRecord:
    offer: Offer
    created_at: datetime
    updated_at: datetime


def record_of(row: asyncpg.Record) -> OfferRecord:
    offer = Offer(
        offer_id=row["offer_id"],
        trader_id=row["trader_id"],
        mineral=row["mineral"],
        market=row["market"],
        origin_country=row["origin_country"],
        unit=Unit(row["unit"]),
        quantity=row["quantity"],
        unit_price=row["unit_price"],
        warehouse_id=row["warehouse_id"],
        valid_until=row["valid_until"],
        available_on=row["available_on"],
        status=OfferStatus(row["status"]),
    )
    return OfferRecord(offer, row["created_at"], row["updated_at"])


async def get(
    conn: Connection, offer_id: str, trader_id: str, *, for_update: bool = False
) -> OfferRecord | None:
    """One of the trader's offers; another trader's offer reads as missing."""
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM offers WHERE offer_id = $1 AND trader_id = $2{lock}",
        offer_id,
        trader_id,
    )
    return None if row is None else record_of(row)


async def insert(conn: Connection, offer: Offer) -> OfferRecord:
    row = await conn.fetchrow(
        "INSERT INTO offers (offer_id, trader_id, mineral, market, origin_country, unit, "
        "quantity, unit_price, warehouse_id, available_on, valid_until, status) "
        f"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {COLUMNS}",
        offer.offer_id,
        offer.trader_id,
        offer.mineral,
        offer.market,
        offer.origin_country,
        offer.unit.value,
        offer.quantity,
        offer.unit_price,
        offer.warehouse_id,
        offer.available_on,
        offer.valid_until,
        offer.status.value,
    )
    assert row is not None
    return record_of(row)


async def update(conn: Connection, offer: Offer) -> OfferRecord:
    row = await conn.fetchrow(
        "UPDATE offers SET quantity = $2, unit_price = $3, warehouse_id = $4, available_on = $5, "
        "valid_until = $6, status = $7, updated_at = now() "
        f"WHERE offer_id = $1 RETURNING {COLUMNS}",
        offer.offer_id,
        offer.quantity,
        offer.unit_price,
        offer.warehouse_id,
        offer.available_on,
        offer.valid_until,
        offer.status.value,
    )
    assert row is not None
    return record_of(row)
