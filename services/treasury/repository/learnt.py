"""What treasury learns from the other services' events: legs, closings, the alternatives
their decisions passed over, fills, tiers, and lots. Each fact is stored once (a
redelivered event changes nothing); each table is filled independently of the others, so
the events may arrive in any order across topics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shared.db import Connection, columns


@dataclass(frozen=True, slots=True)
class LegRow:
    leg_id: str
    order_id: str
    mineral: str
    trader_id: str
    tier: str | None
    quantity: Decimal
    unit: str
    limit_price: Decimal | None
    routed_at: datetime


@dataclass(frozen=True, slots=True)
class FillRow:
    fill_id: str
    leg_id: str
    order_id: str
    trader_id: str
    mineral: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    origin_country: str
    warehouse_id: str
    filled_at: datetime


@dataclass(frozen=True, slots=True)
class LotRow:
    lot_id: str
    warehouse_id: str
    mineral: str
    unit: str
    balance: Decimal
    fill_id: str | None


async def insert_legs(conn: Connection, legs: Sequence[LegRow]) -> None:
    if legs:
        await conn.execute(
            "INSERT INTO legs (leg_id, order_id, mineral, trader_id, tier, quantity, unit,"
            " limit_price, routed_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[],"
            " $4::text[], $5::text[], $6::numeric[], $7::text[], $8::numeric[],"
            " $9::timestamptz[]) ON CONFLICT DO NOTHING",
            *columns(
                legs,
                lambda r: (
                    r.leg_id,
                    r.order_id,
                    r.mineral,
                    r.trader_id,
                    r.tier,
                    r.quantity,
                    r.unit,
                    r.limit_price,
                    r.routed_at,
                ),
            ),
        )


async def insert_closings(conn: Connection, closings: Sequence[tuple[str, str, datetime]]) -> None:
    if closings:
        await conn.execute(
            "INSERT INTO leg_closings (leg_id, reason, closed_at) SELECT * FROM"
            " unnest($1::text[], $2::text[], $3::timestamptz[]) ON CONFLICT DO NOTHING",
            *columns(closings, lambda c: c),
        )


async def insert_alternatives(
    conn: Connection, alternatives: Sequence[tuple[str, str, Decimal]]
) -> None:
    """(leg, order, best allied price): the first decision that named the leg routed it."""
    if alternatives:
        await conn.execute(
            "INSERT INTO leg_alternatives (leg_id, order_id, best_allied_price) SELECT * FROM"
            " unnest($1::text[], $2::text[], $3::numeric[]) ON CONFLICT DO NOTHING",
            *columns(alternatives, lambda a: a),
        )


async def insert_fills(conn: Connection, fills: Sequence[FillRow]) -> None:
    if fills:
        await conn.execute(
            "INSERT INTO fills (fill_id, leg_id, order_id, trader_id, mineral, quantity, unit,"
            " unit_price, origin_country, warehouse_id, filled_at) SELECT * FROM"
            " unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
            " $6::numeric[], $7::text[], $8::numeric[], $9::text[], $10::text[],"
            " $11::timestamptz[]) ON CONFLICT DO NOTHING",
            *columns(
                fills,
                lambda f: (
                    f.fill_id,
                    f.leg_id,
                    f.order_id,
                    f.trader_id,
                    f.mineral,
                    f.quantity,
                    f.unit,
                    f.unit_price,
                    f.origin_country,
                    f.warehouse_id,
                    f.filled_at,
                ),
            ),
        )


async def insert_tiers(conn: Connection, tiers: Sequence[tuple[str, str]]) -> None:
    if tiers:
        await conn.execute(
            "INSERT INTO fill_tiers (fill_id, tier) SELECT * FROM"
            " unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
            *columns(tiers, lambda t: t),
        )


async def set_lot_balances(conn: Connection, lots: Sequence[LotRow]) -> None:
    """Each (lot, warehouse) at the balance its latest movement left (one row per key)."""
    if not lots:
        return
    await conn.execute(
        "INSERT INTO lot_balances (lot_id, warehouse_id, mineral, unit, balance) SELECT * FROM"
        " unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[])"
        " ON CONFLICT (lot_id, warehouse_id) DO UPDATE SET balance = excluded.balance",
        *columns(lots, lambda r: (r.lot_id, r.warehouse_id, r.mineral, r.unit, r.balance)),
    )
    bought = [(r.lot_id, r.fill_id) for r in lots if r.fill_id is not None]
    if bought:
        await conn.execute(
            "INSERT INTO lot_fills (lot_id, fill_id) SELECT * FROM"
            " unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
            *columns(bought, lambda b: b),
        )
