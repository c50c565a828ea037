"""Sourcing's leg events, applied to the gateway's view of legs."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

import structlog

from services.trader_gateway.repository import legs as repo
from shared.codec import PoisonMessage
from shared.contracts import LegCancelled, LegRouted
from shared.db import Connection

log = structlog.get_logger(__name__)

_KG_PER_TONNE = Decimal(1000)
_STEP = Decimal("0.000001")


def limit_per_leg_unit(routed: LegRouted) -> Decimal | None:
    """The limit price in USD per the leg's own unit, which is what fills are checked in.

    Converting per-tonne to per-kilogram rounds down: a limit may only get stricter.
    """
    limit = routed.limit_price
    if limit is None:
        return None
    if limit.per == routed.quantity.unit:
        return limit.amount
    if routed.quantity.unit == "t":
        return limit.amount * _KG_PER_TONNE
    converted = (limit.amount / _KG_PER_TONNE).quantize(_STEP, rounding=ROUND_FLOOR)
    if converted <= 0:
        raise PoisonMessage("invalid_payload", "leg.routed: limit price rounds to zero per kg")
    return converted


async def leg_routed(conn: Connection, routed: LegRouted, routed_at: datetime) -> None:
    """``routed_at`` is when sourcing emitted the event, not when it reached us."""
    inserted = await repo.insert_routed(conn, routed, limit_per_leg_unit(routed), routed_at)
    log.info("leg_routed", leg_id=routed.leg_id, trader_id=routed.trader_id, new=inserted)


async def leg_cancelled(conn: Connection, cancelled: LegCancelled) -> None:
    status = await repo.cancel(conn, cancelled.leg_id, cancelled.trader_id)
    # A leg already filled or declined keeps that status: what the trader did stands.
    log.info("leg_cancelled", leg_id=cancelled.leg_id, status_after=status)
