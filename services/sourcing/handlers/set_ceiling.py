"""Treasury sets a mineral's annual ceiling; a raised one retries the mineral's waiting orders.

Sourcing keeps the ceiling beside its own tally (``repository/ceilings.py``) and routes a
decision only if the tally admits it (``domain/ceilings.py``). A ceiling for the year in
force retries the waiting orders of its mineral at once, as a phase change does: those
waiting on the ceiling go through if they now fit.
"""

from __future__ import annotations

import structlog

from services.sourcing.context import Sourcing
from services.sourcing.domain import Trigger
from services.sourcing.handlers import placing
from services.sourcing.repository import ceilings
from services.sourcing.repository.locks import lock_minerals
from shared.contracts import AnnualCeilingSet
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def ceiling_set(
    conn: Connection, event: Envelope[AnnualCeilingSet], *, ctx: Sourcing
) -> None:
    ceiling = event.payload
    # Mineral lock first: placements of the mineral read the tally under it.
    await lock_minerals(conn, [ceiling.mineral])
    kept = await ceilings.save(conn, ceiling)
    if kept and ceiling.year == ctx.now().year:
        await placing.retry_waiting(conn, ctx, [ceiling.mineral], Trigger.CEILING_SET, cause=event)
    log.info(
        "annual_ceiling_set",
        mineral=ceiling.mineral,
        year=ceiling.year,
        ceiling_usd=str(ceiling.ceiling_usd),
        kept=kept,
        set_by=ceiling.set_by,
    )
