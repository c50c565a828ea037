"""Declining what is left of a leg, so sourcing can cascade it down the waterfall.

Two statements, like a fill: claim the Idempotency-Key and lock the leg; then the
leg, its closing, the ``leg.closed`` outbox row (reason ``declined``, with what the
leg took and what it leaves undone) and the answer, in one write.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

import structlog

from services.trader_gateway import events
from services.trader_gateway.domain import DeclineAccepted, DeclineRefused, decline_leg
from services.trader_gateway.repository import idempotency
from services.trader_gateway.repository import legs as repo
from services.trader_gateway.repository.idempotency import Answer, Answered, Claim
from services.trader_gateway.repository.legs import BookedClosing, LegRecord
from shared.contracts import Unit
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class DeclineBooked:
    decline: DeclineAccepted
    leg: LegRecord  # as the decline left it


DeclineOutcome = DeclineBooked | DeclineRefused


async def decline(
    conn: Connection,
    trader_id: str,
    leg_id: str,
    quantity: tuple[Decimal, Unit] | None,
    reason: str,
    now: datetime,
    claim: Claim,
    answer: Answer[DeclineOutcome],
) -> Answered[DeclineOutcome]:
    """Decline the remainder; a stated quantity must be the remainder, in the leg's unit."""
    locked = await repo.claim_and_lock(conn, claim, [leg_id], trader_id)
    if locked is None:
        return Answered(await idempotency.stored(conn, claim))
    record = locked.legs.get(leg_id)
    decided = decline_leg(record.leg if record else None, trader_id, quantity, reason)
    if isinstance(decided, DeclineRefused):
        response = answer(decided)
        await repo.save(conn, answer=(claim, response))
        return Answered(response, decided)
    assert record is not None, "decline_leg accepts only a leg it was given"
    closing = decided.decline.closing(now)
    event = events.leg_closed(closing)
    booked = DeclineBooked(decided.decline, replace(record, leg=decided.leg, updated_at=locked.at))
    response = answer(booked)
    await repo.save(
        conn,
        legs=[decided.leg],
        closings=[BookedClosing(closing, event.event_id)],
        events=[event],
        answer=(claim, response),
    )
    log.info(
        "leg_declined",
        leg_id=leg_id,
        order_id=decided.decline.order_id,
        quantity=str(decided.decline.declined_quantity),
    )
    return Answered(response, booked)
