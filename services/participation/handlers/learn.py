"""What participation learns: holdings (inventory), orders (demand), order endings (sourcing).

Each a batch in one transaction; then every obligation whose replenishment has been
received in full is closed (``obligation.closed``).
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from services.participation import events
from services.participation.context import Participation
from services.participation.repository import learnt, obligations
from services.participation.settings import NAME
from shared import outbox
from shared.contracts import HoldingsUpdated, OrderStatusChanged, ProcurementRequested
from shared.db import Connection
from shared.envelope import Envelope, new_event

log = structlog.get_logger(__name__)


async def holdings_updated(
    conn: Connection, arrived: Sequence[Envelope[HoldingsUpdated]], *, ctx: Participation
) -> None:
    updates = [e.payload for e in arrived]
    await learnt.balances(conn, updates)
    if await learnt.receipts(conn, updates):
        await close_fulfilled(conn, ctx)


async def orders_requested(
    conn: Connection, arrived: Sequence[Envelope[ProcurementRequested]], *, ctx: Participation
) -> None:
    await learnt.orders(conn, [e.payload for e in arrived])
    await close_fulfilled(conn, ctx)  # receipts may have come first


async def orders_changed(
    conn: Connection, arrived: Sequence[Envelope[OrderStatusChanged]], *, ctx: Participation
) -> None:
    await learnt.orders_over(conn, [e.payload for e in arrived])


async def close_fulfilled(conn: Connection, ctx: Participation) -> None:
    now = ctx.now()
    closed = await obligations.close_fulfilled(conn, now)
    outgoing = []
    for row in closed:
        payload = events.obligation_closed(
            obligation_id=row["obligation_id"],
            manufacturer_id=row["manufacturer_id"],
            release_id=row["release_id"],
            order_id=row["order_id"],
            received=row["received"],
            due_by=row["due_by"],
            at=now,
        )
        outgoing.append(new_event(payload, producer=NAME))
        log.info(
            "obligation_closed",
            obligation_id=row["obligation_id"],
            order_id=row["order_id"],
            overdue=payload.overdue,
        )
    await outbox.enqueue(conn, outgoing)
