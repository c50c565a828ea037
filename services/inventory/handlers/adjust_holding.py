"""Adjustments: signed, explained corrections to one lot (a weighing difference, a loss).

Four statements: the locks (finding the lot), the lot with its balance locked and
any line written under the adjustment id, the ledger, the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog

from services.inventory import events
from services.inventory.domain import (
    AdjustmentRefused,
    AdjustmentRequest,
    IdReused,
    Movement,
    NoSuchLot,
    plan_adjustment,
    retry_adjustment,
)
from services.inventory.repository import ledger, locks, lots
from shared import outbox
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Adjusted:
    movement: Movement
    replayed: bool


async def adjust_holding(
    conn: Connection, request: AdjustmentRequest, *, now: datetime
) -> Adjusted | AdjustmentRefused | NoSuchLot | IdReused:
    if not await locks.lot_command(conn, request.lot_id, "adjustment", request.adjustment_id):
        return NoSuchLot(request.lot_id)
    state = await lots.under_lock(
        conn, request.lot_id, done_by=("movement_id", request.movement_id)
    )
    if state.done:
        retried = retry_adjustment(state.done[0], request)
        return retried if isinstance(retried, IdReused) else Adjusted(retried, replayed=True)
    posting = plan_adjustment(
        state.holding,
        request.quantity,
        reason=request.reason,
        author=request.author,
        adjustment_id=request.adjustment_id,
        at=now,
    )
    if isinstance(posting, AdjustmentRefused):
        return posting
    await ledger.post(conn, [posting])
    await outbox.enqueue(conn, [events.holdings_updated(posting)])
    log.info(
        "holding_adjusted",
        adjustment_id=request.adjustment_id,
        lot_id=request.lot_id,
        quantity=str(request.quantity),
        author=request.author,
        reason=request.reason,
    )
    return Adjusted(posting.movement, replayed=False)
