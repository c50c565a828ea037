"""What participation learns from other services: lot balances, orders, receipts on them.

Set-based: one statement per batch. A lot's balance is the last its owner (inventory)
said; a receipt is counted once per movement; an order once per id.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.contracts import HoldingsUpdated, OrderStatusChanged, ProcurementRequested
from shared.db import Connection, columns

# What an order leaves open once sourcing says it is over without being filled.
_OVER = ("expired", "cancelled")


async def balances(conn: Connection, updates: Sequence[HoldingsUpdated]) -> None:
    if not updates:
        return
    # One row per lot and warehouse: the last update of a batch wins (partition order).
    last = {(u.lot_id, u.warehouse_id): u for u in updates}
    await conn.execute(
        "INSERT INTO lot_balances (lot_id, warehouse_id, owner, mineral, unit, balance)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
        " $6::numeric[]) ON CONFLICT (lot_id, warehouse_id) DO UPDATE SET balance ="
        " EXCLUDED.balance",
        *columns(
            list(last.values()),
            lambda u: (u.lot_id, u.warehouse_id, u.owner, u.mineral, u.unit, u.balance),
        ),
    )


async def receipts(conn: Connection, updates: Sequence[HoldingsUpdated]) -> set[str]:
    """Receipts into lots bought by an order; returns the orders that received something."""
    received = [u for u in updates if u.kind == "receipt" and u.order_id and u.delta > 0]
    if not received:
        return set()
    rows = await conn.fetch(
        "INSERT INTO receipts (movement_id, order_id, quantity) SELECT * FROM"
        " unnest($1::text[], $2::text[], $3::numeric[]) ON CONFLICT DO NOTHING"
        " RETURNING order_id",
        *columns(received, lambda u: (u.movement_id, u.order_id, u.delta)),
    )
    return {row["order_id"] for row in rows}


async def orders(conn: Connection, requested: Sequence[ProcurementRequested]) -> None:
    if not requested:
        return
    await conn.execute(
        "INSERT INTO orders (order_id, manufacturer_id, request_id, mineral, kind, quantity)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
        " $6::numeric[]) ON CONFLICT DO NOTHING",
        *columns(
            requested,
            lambda o: (
                o.order_id,
                o.manufacturer_id,
                o.request_id,
                o.mineral,
                o.kind,
                o.quantity.amount,
            ),
        ),
    )


async def orders_over(conn: Connection, changed: Sequence[OrderStatusChanged]) -> None:
    """An order expired or cancelled is no longer on order (what it received still counts)."""
    over = [c.order_id for c in changed if c.status in _OVER]
    if over:
        await conn.execute("UPDATE orders SET closed = true WHERE order_id = ANY($1::text[])", over)
