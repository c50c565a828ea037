"""The program sets a mineral's phase, from its effective time on; waiting orders are retried."""

from __future__ import annotations

import structlog

from services.sourcing.context import Sourcing
from services.sourcing.domain import phase_refusal
from services.sourcing.handlers import retry_phases
from services.sourcing.repository import program
from services.sourcing.repository.locks import lock_minerals
from shared.codec import PoisonMessage
from shared.contracts import PhaseSet
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def phase_set(conn: Connection, event: Envelope[PhaseSet], *, ctx: Sourcing) -> None:
    change = event.payload
    effective_at = change.effective_at or event.occurred_at
    refusal = phase_refusal(change, effective_at, ctx.catalogue)
    if refusal is not None:
        raise PoisonMessage("phase_refused", refusal, event_id=event.event_id, event=event)
    # Mineral lock first, as every writer of a mineral's phase, book and orders takes it.
    await lock_minerals(conn, [change.mineral])
    # Orders already placed keep their legs; the phase applies to decisions from now on,
    # and first to the orders waiting for supply (dated ahead: once it is in force).
    await program.record_phase(conn, change, effective_at)
    if effective_at <= ctx.now():
        await retry_phases.retry_now(conn, ctx, [change.mineral], cause=event)
    log.info(
        "phase_set",
        mineral=change.mineral,
        phase=change.phase,
        effective_at=effective_at.isoformat(),
        set_by=change.set_by,
    )
