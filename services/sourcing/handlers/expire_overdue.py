"""The sweep of orders past their delivery day: legs asked back, then the order expired.

Run in every replica every few seconds (``consumers.sweep``). Legs are not expired
here: the gateway owns their expiry and says so (``close_legs``). An order whose
delivery day is over asks the gateway for its open legs back, once each
(``leg.cancel_requested``); their closings end them, and the order expires once
nothing is on legs. Candidates are looked for without a lock, then handled in one
transaction under the handlers' locks (minerals, then orders) and judged again once
locked, so two replicas sweeping together do each thing once.
"""

from __future__ import annotations

from datetime import UTC

import structlog

from services.sourcing import events
from services.sourcing.context import Sourcing
from services.sourcing.domain import Changes, ask_back, expire_overdue
from services.sourcing.handlers import placing
from services.sourcing.repository import legs, orders
from services.sourcing.repository.locks import lock_minerals

log = structlog.get_logger(__name__)

BATCH = 100
"""Legs (and orders) handled per round; the next round takes the rest."""


async def sweep(ctx: Sourcing) -> int:
    """Ask back the legs of orders past delivery, expire those with none; returns how many."""
    now = ctx.now()
    pool = ctx.service.pool
    today = now.astimezone(UTC).date()
    done = 0
    overdue_legs = await legs.to_ask_back(pool, today, BATCH)
    if overdue_legs:
        done += await _ask_back(ctx, overdue_legs)
    overdue_orders = await orders.overdue(pool, today, BATCH)
    if overdue_orders:
        done += await _expire_orders(ctx, overdue_orders)
    return done


async def _ask_back(ctx: Sourcing, overdue: list[tuple[str, str, str]]) -> int:
    async with ctx.service.transaction() as conn:
        await lock_minerals(conn, {mineral for _, _, mineral in overdue})
        locked = await orders.lock(
            conn, {order_id for _, order_id, _ in overdue}, [leg_id for leg_id, _, _ in overdue]
        )
        now = ctx.now()
        decided = Changes.of(
            ask_back(order, locked.legs.values(), now) for order in locked.orders.values()
        )
        for leg in decided.changed_legs.values():
            log.info("leg_asked_back", leg_id=leg.leg_id, order_id=leg.order_id)
        await placing.store(conn, decided, events.envelopes(decided.events))
    return len(decided.changed_legs)


async def _expire_orders(ctx: Sourcing, overdue: list[tuple[str, str]]) -> int:
    async with ctx.service.transaction() as conn:
        await lock_minerals(conn, {mineral for _, mineral in overdue})
        locked = await orders.lock(conn, {order_id for order_id, _ in overdue})
        decided = Changes.of(expire_overdue(order) for order in locked.orders.values())
        for order in decided.orders.values():
            log.info("order_expired", order_id=order.order_id, status=str(order.status))
        await placing.store(conn, decided, events.envelopes(decided.events))
    return len(decided.orders)
