"""Orders and their decisions in SQL. Every change is made under the order's row lock."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from services.sourcing.domain import OrderStatus, Phase, Unit
from services.sourcing.state import OrderState
from shared.contracts import ProcurementRequested
from shared.db import Connection

_COLUMNS = """order_id, manufacturer_id, request_id, kind, mineral, market, unit, quantity,
    deliver_by, limit_price, status, filled, open_quantity, open_reason, next_sequence,
    excluded_offers, excluded_specialists, explanation, correlation_id"""


def order_of(row: asyncpg.Record) -> OrderState:
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
        next_sequence=row["next_sequence"],
        excluded_offers=frozenset(row["excluded_offers"]),
        excluded_specialists=frozenset(row["excluded_specialists"]),
        explanation=json.loads(row["explanation"]),
        correlation_id=row["correlation_id"],
    )


async def insert(
    conn: Connection, request: ProcurementRequested, *, correlation_id: str
) -> OrderState | None:
    """A new order, everything open until the first decision; None if the id is known."""
    row = await conn.fetchrow(
        f"""
        INSERT INTO orders (order_id, manufacturer_id, request_id, kind, mineral, market, unit,
                            quantity, deliver_by, limit_price, status, open_quantity, open_reason,
                            correlation_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'waiting', $8, 'not yet placed', $11)
        ON CONFLICT (order_id) DO NOTHING
        RETURNING {_COLUMNS}
        """,
        request.order_id,
        request.manufacturer_id,
        request.request_id,
        request.kind,
        request.mineral,
        request.market,
        request.quantity.unit,
        request.quantity.amount,
        request.deliver_by,
        None if request.limit_price is None else request.limit_price.amount,
        correlation_id,
    )
    return None if row is None else order_of(row)


async def mineral_of(conn: Connection, order_id: str) -> str | None:
    """Read without a lock: a mineral never changes, and its lock must come first."""
    mineral: str | None = await conn.fetchval(
        "SELECT mineral FROM orders WHERE order_id = $1", order_id
    )
    return mineral


async def lock(conn: Connection, order_id: str) -> OrderState | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM orders WHERE order_id = $1 FOR UPDATE", order_id
    )
    return None if row is None else order_of(row)


async def lock_waiting(conn: Connection, mineral: str) -> list[OrderState]:
    """Orders of `mineral` with quantity waiting for supply, oldest first (first come, first served)."""
    rows = await conn.fetch(
        f"""
        SELECT {_COLUMNS} FROM orders
        WHERE mineral = $1 AND status <> 'expired' AND open_quantity > 0
        ORDER BY created_at, order_id FOR UPDATE
        """,
        mineral,
    )
    return [order_of(r) for r in rows]


async def overdue(conn: Connection, today: date, limit: int) -> list[tuple[str, str]]:
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


async def save(conn: Connection, order: OrderState) -> None:
    """Write back what handlers change; the rest of an order never changes."""
    await conn.execute(
        """
        UPDATE orders SET status = $2, filled = $3, open_quantity = $4, open_reason = $5,
            next_sequence = $6, excluded_offers = $7, excluded_specialists = $8,
            explanation = $9::jsonb, updated_at = now()
        WHERE order_id = $1
        """,
        order.order_id,
        order.status,
        order.filled,
        order.open_quantity,
        order.open_reason,
        order.next_sequence,
        sorted(order.excluded_offers),
        sorted(order.excluded_specialists),
        json.dumps(order.explanation),
    )


async def on_legs(conn: Connection, order_id: str) -> Decimal:
    """What traders still hold of the order: the unfilled part of its open legs."""
    held = await conn.fetchval(
        "SELECT coalesce(sum(quantity - filled), 0) FROM legs "
        "WHERE order_id = $1 AND status = 'open'",
        order_id,
    )
    return Decimal(held)


async def add_decision(
    conn: Connection,
    order_id: str,
    *,
    trigger: str,
    phase: Phase,
    policy_version: str,
    record: dict[str, Any],
    decided_at: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO decisions (order_id, number, trigger, phase, policy_version, record, decided_at)
        SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5::jsonb, $6
        FROM decisions WHERE order_id = $1
        """,
        order_id,
        trigger,
        phase,
        policy_version,
        json.dumps(record),
        decided_at,
    )
