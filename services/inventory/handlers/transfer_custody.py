"""Custody transfers: material moves to another warehouse; its owner does not change.

Five statements: the locks (finding the lot), the lot with its balance locked and
anything done under the transfer id, the lot's new custody, the ledger, the outbox.
"""

from __future__ import annotations

from datetime import datetime

import structlog

from services.inventory import events
from services.inventory.domain import (
    IdReused,
    NoSuchLot,
    Transferred,
    TransferRefused,
    TransferRequest,
    plan_transfer,
    retry_transfer,
    transferred,
)
from services.inventory.repository import ledger, locks, lots
from shared import outbox
from shared.db import Connection

log = structlog.get_logger(__name__)


async def transfer_custody(
    conn: Connection, request: TransferRequest, *, now: datetime
) -> Transferred | TransferRefused | NoSuchLot | IdReused:
    if not await locks.lot_command(conn, request.lot_id, "transfer", request.transfer_id):
        return NoSuchLot(request.lot_id)
    state = await lots.under_lock(
        conn,
        request.lot_id,
        done_by=("transfer_id", request.transfer_id),
        destination=request.to_warehouse_id,
    )
    if state.done:
        return retry_transfer(state.done, request)
    plan = plan_transfer(
        state.holding,
        request.to_warehouse_id,
        request.quantity,
        state.destination,
        transfer_id=request.transfer_id,
        at=now,
    )
    if isinstance(plan, TransferRefused):
        return plan
    if plan.split:
        await lots.insert_new(conn, [plan.lot])
    else:
        await lots.move_custody(conn, plan.lot.lot_id, request.to_warehouse_id)
    await ledger.post(conn, plan.postings)
    await outbox.enqueue(conn, events.holdings_updates(plan.postings))
    log.info(
        "custody_transferred",
        transfer_id=request.transfer_id,
        lot_id=plan.source.lot_id,
        to_lot_id=plan.lot.lot_id,
        from_warehouse_id=plan.source.warehouse_id,
        to_warehouse_id=request.to_warehouse_id,
        quantity=str(request.quantity),
    )
    return transferred(plan.movements, replayed=False)
