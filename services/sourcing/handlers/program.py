"""The program's data: a mineral's phase, and the traders registered for each market."""

from __future__ import annotations

import structlog

from services.sourcing.explanation import Trigger
from services.sourcing.handlers.deps import Sourcing
from services.sourcing.handlers.offers import retry_waiting
from services.sourcing.repository import program
from services.sourcing.repository.locks import lock_minerals
from shared.codec import PoisonMessage
from shared.contracts import PhaseSet, TraderRegistered
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def phase_set(conn: Connection, event: Envelope[PhaseSet], sourcing: Sourcing) -> None:
    change = event.payload
    if change.mineral not in sourcing.catalogue:
        raise PoisonMessage("phase_refused", f"mineral {change.mineral!r} is not in the catalogue")
    effective_at = change.effective_at or event.occurred_at
    if effective_at.tzinfo is None:
        raise PoisonMessage("phase_refused", "effective_at must carry a time zone")
    await program.record_phase(conn, change, effective_at)
    log.info(
        "phase_set",
        mineral=change.mineral,
        phase=change.phase,
        effective_at=effective_at.isoformat(),
        set_by=change.set_by,
    )


async def trader_registered(
    conn: Connection, event: Envelope[TraderRegistered], sourcing: Sourcing
) -> None:
    trader = event.payload
    known = set(sourcing.catalogue.markets)
    unknown = sorted(set(trader.markets) - known)
    if unknown:
        # A misspelt market would leave the trader silently without legs: refuse it loudly.
        raise PoisonMessage("trader_refused", f"markets not in the catalogue: {unknown}")
    minerals = [m.id for market in trader.markets for m in sourcing.catalogue.in_market(market)]
    # Mineral locks first, as every other writer of the book and the roster takes them.
    await lock_minerals(conn, minerals)
    changed = await program.register_trader(conn, trader, event.occurred_at)
    log.info(
        "trader_registered",
        trader_id=trader.trader_id,
        markets=sorted(trader.markets),
        rank=trader.rank,
        active=trader.active,
        applied=changed,
    )
    if changed and trader.active:
        # A new specialist (or more room) may take what was waiting for one.
        for mineral in sorted(set(minerals)):
            await retry_waiting(conn, mineral, Trigger.TRADER_REGISTERED, sourcing)
