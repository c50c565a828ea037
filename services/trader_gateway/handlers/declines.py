"""Declining what is left of a leg, so sourcing can cascade it down the waterfall."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import structlog

from services.trader_gateway import events
from services.trader_gateway.domain import (
    DeclineAccepted,
    DeclineRefused,
    RefusalCode,
    Unit,
    apply_decline,
    check_decline,
)
from services.trader_gateway.repository import legs as repo
from services.trader_gateway.repository.legs import LegRecord
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class DeclineBooked:
    decline: DeclineAccepted
    leg: LegRecord


async def decline_leg(
    conn: Connection,
    trader_id: str,
    leg_id: str,
    quantity: tuple[Decimal, Unit] | None,
    reason: str,
) -> DeclineBooked | DeclineRefused:
    """Decline the remainder; a stated quantity must be the remainder, in the leg's unit."""
    record = (await repo.lock(conn, [leg_id], trader_id)).get(leg_id)
    amount = None if quantity is None else quantity[0]
    result = check_decline(record.leg if record else None, trader_id, amount, reason)
    if isinstance(result, DeclineRefused):
        return result
    assert record is not None, "check_decline accepts only a leg it was given"
    if quantity is not None and quantity[1] is not record.leg.unit:
        return DeclineRefused(
            RefusalCode.UNIT_MISMATCH,
            f"this leg is quantified in {record.leg.unit}",
            "quantity.unit",
            (("unit", record.leg.unit.value),),
        )
    after = apply_decline(record.leg, result)
    event = events.leg_declined(result)
    await repo.record_decline(conn, result, after, event.event_id)
    await events.enqueue(conn, [event])
    log.info(
        "leg_declined",
        leg_id=leg_id,
        order_id=result.order_id,
        quantity=str(result.declined_quantity),
    )
    return DeclineBooked(result, replace(record, leg=after))
