"""Adjustments: signed, explained corrections to one lot (a weighing difference, a loss)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import structlog

from services.inventory import events
from services.inventory.domain import AdjustmentRefused, Movement, plan_adjustment
from services.inventory.handlers.requests import IdReused, NotFound
from services.inventory.repository import ledger, locks, lots
from shared import outbox
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class AdjustmentRequest:
    adjustment_id: str
    lot_id: str
    quantity: Decimal
    reason: str
    author: str


@dataclass(frozen=True, slots=True)
class Adjusted:
    movement: Movement
    replayed: bool


async def adjust(
    conn: Connection, request: AdjustmentRequest, *, now: datetime
) -> Adjusted | AdjustmentRefused | NotFound | IdReused:
    lot = await lots.get(conn, request.lot_id)
    if lot is None:
        return NotFound("lot", f"no lot {request.lot_id!r}")
    await locks.lock_request(conn, "adjustment", request.adjustment_id)
    await locks.lock_holdings(conn, lot.owner, lot.mineral)
    movement_id = f"adjustment:{request.adjustment_id}"
    done = await ledger.movements_by(conn, "movement_id", movement_id)
    if done:
        return _replay(done[0], request)
    lot = await lots.get(conn, request.lot_id)
    assert lot is not None  # lots are never deleted
    holding = await lots.holding_for_update(conn, lot)
    plan = plan_adjustment(
        holding,
        request.quantity,
        reason=request.reason,
        author=request.author,
        adjustment_id=request.adjustment_id,
        at=now,
    )
    if isinstance(plan, AdjustmentRefused):
        return plan
    [balance] = await ledger.post(conn, [plan])
    await outbox.enqueue(conn, [events.holdings_updated(plan, balance, lot)])
    log.info(
        "holding_adjusted",
        adjustment_id=request.adjustment_id,
        lot_id=lot.lot_id,
        quantity=str(request.quantity),
        author=request.author,
        reason=request.reason,
    )
    return Adjusted(plan, replayed=False)


def _replay(previous: Movement, request: AdjustmentRequest) -> Adjusted | IdReused:
    if (previous.lot_id, previous.quantity, previous.reason, previous.author) != (
        request.lot_id,
        request.quantity,
        request.reason,
        request.author,
    ):
        return IdReused(
            "adjustment",
            request.adjustment_id,
            f"adjustment {request.adjustment_id} changed {previous.lot_id} by "
            f"{previous.quantity} {previous.unit}; a retry must repeat it",
        )
    return Adjusted(previous, replayed=True)
