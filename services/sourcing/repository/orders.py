"""Orders in SQL. Every change is made under the order's row lock, taken in order-id order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import asyncpg

from services.sourcing.domain import LegState, OrderState, OrderStatus
from services.sourcing.repository import legs
from shared.contracts import ProcurementRequested, Unit
from shared.db import Connection, columns, text_array

_COLUMNS = """order_id, manufacturer_id, request_id, kind, mineral, market, unit, quantity,
    deliver_by, limit_price, status, filled, open_quantity, open_reason, next_sequence,
    excluded_offers, excluded_specialists, explanation, correlation_id"""

_NOTHING = Decimal(0)


def order_of(row: asyncpg.Record, on_legs: Decimal) -> OrderState:
    return OrderState(
        order_id=row["order_id"],
        manufacturer_id=row["manufacturer_id"],
        request_id=row["request_id"],
        kind=row["kind"],
        mineral=row["mineral"],
        market=row["market"],
        unit=Unit(row["unit"]),
        quantity=row["quantity"],
        deliver_by=row["deliver_by"],
        limit_price=row["limit_price"],
        status=OrderStatus(row["status"]),
        filled=row["filled"],
        open_quantity=row["open_quantity"],
        open_reason=row["open_reason"],
        on_legs=on_legs,
        next_sequence=row["next_sequence"],
        excluded_offers=frozenset(row["excluded_offers"]),
        excluded_specialists=frozenset(row["excluded_specialists"]),
        explanation=json.loads(row["explanation"]),
        correlation_id=row["correlation_id"],
    )


@dataclass(frozen=True, slots=True)
class Arrived:
    """A procurement request, and the correlation id its order's events will carry."""

    request: ProcurementRequested
    correlation_id: str


async def insert_new(conn: Connection, arrived: Sequence[Arrived]) -> dict[str, OrderState]:
    """New orders, everything open until the first decision; ids already known are skipped.

    One statement for the batch; returns the orders it created by id.
    """
    if not arrived:
        return {}
    rows = await conn.fetch(
        f"""
        INSERT INTO orders (order_id, manufacturer_id, request_id, kind, mineral, market, unit,
                            quantity, deliver_by, limit_price, status, open_quantity, open_reason,
                            correlation_id)
        SELECT order_id, manufacturer_id, request_id, kind, mineral, market, unit, quantity,
               deliver_by, limit_price, 'waiting', quantity, 'not yet placed', correlation_id
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                    $7::text[], $8::numeric[], $9::date[], $10::numeric[], $11::text[])
            AS u(order_id, manufacturer_id, request_id, kind, mineral, market, unit, quantity,
                 deliver_by, limit_price, correlation_id)
        ON CONFLICT (order_id) DO NOTHING
        RETURNING {_COLUMNS}
        """,
        *columns(
            arrived,
            lambda a: (
                a.request.order_id,
                a.request.manufacturer_id,
                a.request.request_id,
                a.request.kind,
                a.request.mineral,
                a.request.market,
                a.request.quantity.unit,
                a.request.quantity.amount,
                a.request.deliver_by,
                None if a.request.limit_price is None else a.request.limit_price.amount,
                a.correlation_id,
            ),
        ),
    )
    # A new order has no legs yet.
    return {row["order_id"]: order_of(row, _NOTHING) for row in rows}


async def mineral_of(conn: Connection, order_id: str) -> str | None:
    """Read without a lock: a mineral never changes, and its lock must come first."""
    mineral: str | None = await conn.fetchval(
        "SELECT mineral FROM orders WHERE order_id = $1", order_id
    )
    return mineral


@dataclass(frozen=True, slots=True)
class Locked:
    orders: dict[str, OrderState]
    legs: dict[str, LegState]
    """The legs asked for that belong to the locked orders."""


async def lock(conn: Connection, order_ids: Iterable[str], leg_ids: Iterable[str] = ()) -> Locked:
    """Lock the orders (those that exist), then read them with their open legs.

    Two statements: the lock, then the legs (and what traders hold) as they are once
    the lock is held.
    """
    ids = sorted(set(order_ids))
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM orders WHERE order_id = ANY($1::text[]) "
        "ORDER BY order_id FOR UPDATE",
        ids,
    )
    found = await legs.of_orders(conn, [row["order_id"] for row in rows], sorted(set(leg_ids)))
    on_legs: dict[str, Decimal] = {}
    for leg in found:
        if leg.is_open:
            on_legs[leg.order_id] = on_legs.get(leg.order_id, _NOTHING) + leg.remainder
    return Locked(
        orders={
            row["order_id"]: order_of(row, on_legs.get(row["order_id"], _NOTHING)) for row in rows
        },
        legs={leg.leg_id: leg for leg in found},
    )


async def lock_waiting(conn: Connection, minerals: Iterable[str]) -> list[OrderState]:
    """Orders of `minerals` with quantity waiting for supply, oldest first (first come,
    first served); locked in order-id order like every other set of orders."""
    rows = await conn.fetch(
        f"""
        WITH waiting AS (
            SELECT {_COLUMNS}, created_at FROM orders
            WHERE mineral = ANY($1::text[]) AND status <> 'expired' AND open_quantity > 0
            ORDER BY order_id FOR UPDATE
        )
        SELECT * FROM waiting ORDER BY created_at, order_id
        """,
        sorted(set(minerals)),
    )
    if not rows:
        return []
    held = await legs.held(conn, [row["order_id"] for row in rows])
    return [order_of(row, held.get(row["order_id"], _NOTHING)) for row in rows]


async def overdue(
    conn: Connection | asyncpg.Pool, today: date, limit: int
) -> list[tuple[str, str]]:
    """(order id, mineral) of orders still waiting after their delivery day (`today` in UTC)."""
    rows = await conn.fetch(
        """
        SELECT order_id, mineral FROM orders o
        WHERE status <> 'expired' AND open_quantity > 0 AND deliver_by < $1
          AND NOT EXISTS (SELECT 1 FROM legs l WHERE l.order_id = o.order_id AND status = 'open')
        ORDER BY deliver_by LIMIT $2
        """,
        today,
        limit,
    )
    return [(r["order_id"], r["mineral"]) for r in rows]


async def save(conn: Connection, orders: Sequence[OrderState]) -> None:
    """Write back what handlers change, one row per order; the rest of an order never changes."""
    if not orders:
        return
    await conn.execute(
        f"""
        UPDATE orders o SET status = u.status, filled = u.filled,
            open_quantity = u.open_quantity, open_reason = u.open_reason,
            next_sequence = u.next_sequence,
            excluded_offers = {text_array("u.excluded_offers")},
            excluded_specialists = {text_array("u.excluded_specialists")},
            explanation = u.explanation::jsonb, updated_at = now()
        FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::text[], $6::int[],
                    $7::text[], $8::text[], $9::text[])
            AS u(order_id, status, filled, open_quantity, open_reason, next_sequence,
                 excluded_offers, excluded_specialists, explanation)
        WHERE o.order_id = u.order_id
        """,
        *columns(
            orders,
            lambda order: (
                order.order_id,
                order.status,
                order.filled,
                order.open_quantity,
                order.open_reason,
                order.next_sequence,
                json.dumps(sorted(order.excluded_offers)),
                json.dumps(sorted(order.excluded_specialists)),
                json.dumps(order.explanation),
            ),
        ),
    )
