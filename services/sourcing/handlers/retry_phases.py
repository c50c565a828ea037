"""A phase change retries the waiting orders of its mineral, once it is in force.

An order may wait because every offer's origin is excluded in the phase in force, or
because the phase's waterfall found nothing: a new phase can change that. The
``program.phase_set`` handler retries at once when the change is already in force;
the sweep (``consumers.sweep``) retries changes dated ahead once their time comes.
Each change is retried once (``phase_changes.retried_at``), under the minerals' locks.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from services.sourcing.context import Sourcing
from services.sourcing.domain import Trigger
from services.sourcing.handlers import placing
from services.sourcing.repository import program
from services.sourcing.repository.locks import lock_minerals
from shared.db import Connection
from shared.envelope import EventMeta

log = structlog.get_logger(__name__)


async def retry_now(
    conn: Connection, ctx: Sourcing, minerals: Sequence[str], cause: EventMeta | None = None
) -> None:
    """Retry the minerals' waiting orders under the phases in force now (caller's transaction)."""
    await lock_minerals(conn, minerals)
    await placing.retry_waiting(conn, ctx, minerals, Trigger.PHASE_SET, cause=cause)
    await program.mark_retried(conn, minerals, ctx.now())
    log.info("waiting_orders_retried", minerals=sorted(minerals), trigger=str(Trigger.PHASE_SET))


async def retry_due(ctx: Sourcing) -> int:
    """The sweep's part: phase changes now in force that were not retried yet."""
    minerals = await program.phases_to_retry(ctx.service.pool, ctx.now())
    if not minerals:
        return 0
    async with ctx.service.transaction() as conn:
        await retry_now(conn, ctx, minerals)
    return len(minerals)
