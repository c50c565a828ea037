"""The sweep: legs past their deadline expire and cascade; orders past delivery expire.

Runs in every replica every few seconds. Each leg and order is handled in its own
transaction under the same locks as the event handlers, and re-checked once
locked, so two replicas sweeping together do each thing once.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC

import asyncpg
import structlog

from services.sourcing import messages, metrics
from services.sourcing.explanation import Trigger
from services.sourcing.handlers.deps import Sourcing
from services.sourcing.messages import Outgoing
from services.sourcing.repository import legs, orders
from services.sourcing.repository.locks import lock_minerals
from shared import outbox
from shared.service import Service

log = structlog.get_logger(__name__)

BATCH = 100


async def sweep(pool: asyncpg.Pool, sourcing: Sourcing) -> int:
    """Expire what is overdue now; returns how many legs and orders it expired."""
    now = sourcing.now()
    done = 0
    async with pool.acquire() as conn:
        overdue_legs = await legs.overdue(conn, now, BATCH)
    for leg_id, order_id, mineral in overdue_legs:
        with structlog.contextvars.bound_contextvars(order_id=order_id, leg_id=leg_id):
            async with pool.acquire() as conn, conn.transaction():
                await lock_minerals(conn, [mineral])
                order = await orders.lock(conn, order_id)
                leg = await legs.get(conn, leg_id)
                if order is None or leg is None or not leg.is_open or leg.deadline > now:
                    continue  # filled, declined or swept meanwhile
                quantity = messages.quantity_text
                reason = (
                    "expired unfilled"
                    if leg.filled == 0
                    else f"expired with {quantity(leg.filled)} of {quantity(leg.quantity)} filled"
                )
                outgoing: list[Outgoing] = [messages.leg_cancelled(order, leg, reason)]
                outgoing += await sourcing.placer.cascade_leg(
                    conn,
                    order,
                    leg,
                    status="expired",
                    reason=reason,
                    trigger=Trigger.LEG_EXPIRED,
                    now=now,
                )
                await outbox.enqueue(conn, outgoing)
                log.info("leg_expired", remainder=str(leg.remainder))
                done += 1
    async with pool.acquire() as conn:
        overdue_orders = await orders.overdue(conn, now.astimezone(UTC).date(), BATCH)
    for order_id, mineral in overdue_orders:
        with structlog.contextvars.bound_contextvars(order_id=order_id):
            async with pool.acquire() as conn, conn.transaction():
                await lock_minerals(conn, [mineral])
                order = await orders.lock(conn, order_id)
                if order is None or order.status == "expired" or order.open_quantity <= 0:
                    continue
                await outbox.enqueue(conn, await sourcing.placer.expire(conn, order))
                done += 1
    return done


class Sweeper:
    """Runs `sweep` (and refreshes the gauges) every `interval_s`, from start to shutdown."""

    def __init__(self, sourcing: Sourcing, interval_s: float) -> None:
        self._sourcing = sourcing
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    async def start(self, service: Service) -> None:
        self._task = asyncio.create_task(self._run(service), name="sourcing-leg-sweeper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self, service: Service) -> None:
        with structlog.contextvars.bound_contextvars(service=service.name):
            while True:
                await asyncio.sleep(self._interval_s)
                try:
                    await sweep(service.pool, self._sourcing)
                    async with service.pool.acquire() as conn:
                        await metrics.refresh(conn)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the database may be away; the next round retries
                    log.warning("leg_sweep_failed", error=repr(exc))
