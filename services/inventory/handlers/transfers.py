"""Custody transfers: material moves to another warehouse; its owner does not change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import structlog

from services.inventory import events
from services.inventory.domain import Movement, TransferRefused, Unit, plan_transfer
from services.inventory.handlers.requests import IdReused, NotFound
from services.inventory.repository import ledger, locks, lots, warehouses
from shared import outbox
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferRequest:
    transfer_id: str
    lot_id: str
    to_warehouse_id: str
    quantity: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Transferred:
    transfer_id: str
    source_lot_id: str
    # The source itself when the whole lot moved; a child lot split from it otherwise.
    lot_id: str
    from_warehouse_id: str
    to_warehouse_id: str
    quantity: Decimal
    unit: Unit
    at: datetime
    replayed: bool

    @property
    def split(self) -> bool:
        return self.lot_id != self.source_lot_id


async def transfer(
    conn: Connection, request: TransferRequest, *, now: datetime
) -> Transferred | TransferRefused | NotFound | IdReused:
    lot = await lots.get(conn, request.lot_id)
    if lot is None:
        return NotFound("lot", f"no lot {request.lot_id!r}")
    await locks.lock_request(conn, "transfer", request.transfer_id)
    await locks.lock_holdings(conn, lot.owner, lot.mineral)
    done = await ledger.movements_by(conn, "transfer_id", request.transfer_id)
    if done:
        return _replay(done, request)
    # Re-read under the lock: a concurrent whole-lot transfer may have moved it.
    lot = await lots.get(conn, request.lot_id)
    assert lot is not None  # lots are never deleted
    holding = await lots.holding_for_update(conn, lot)
    destination = await warehouses.by_ids(conn, [request.to_warehouse_id])
    plan = plan_transfer(
        holding,
        request.to_warehouse_id,
        request.quantity,
        destination,
        transfer_id=request.transfer_id,
        at=now,
    )
    if isinstance(plan, TransferRefused):
        return plan
    if plan.split:
        await lots.insert(conn, plan.lot)
    else:
        await lots.move_custody(conn, lot.lot_id, request.to_warehouse_id)
    balances = await ledger.post(conn, plan.movements)
    by_id = {plan.source.lot_id: plan.source, plan.lot.lot_id: plan.lot}
    await outbox.enqueue(conn, events.holdings_updates(plan.movements, balances, by_id))
    log.info(
        "custody_transferred",
        transfer_id=request.transfer_id,
        lot_id=lot.lot_id,
        to_lot_id=plan.lot.lot_id,
        from_warehouse_id=lot.warehouse_id,
        to_warehouse_id=request.to_warehouse_id,
        quantity=str(request.quantity),
    )
    return _transferred(plan.movements, replayed=False)


def _transferred(
    movements: tuple[Movement, ...] | list[Movement], *, replayed: bool
) -> Transferred:
    out = next(m for m in movements if m.quantity < 0)
    into = next(m for m in movements if m.quantity > 0)
    return Transferred(
        transfer_id=out.transfer_id or "",
        source_lot_id=out.lot_id,
        lot_id=into.lot_id,
        from_warehouse_id=out.warehouse_id,
        to_warehouse_id=into.warehouse_id,
        quantity=into.quantity,
        unit=into.unit,
        at=into.at,
        replayed=replayed,
    )


def _replay(done: list[Movement], request: TransferRequest) -> Transferred | IdReused:
    previous = _transferred(done, replayed=True)
    if (previous.source_lot_id, previous.to_warehouse_id, previous.quantity) != (
        request.lot_id,
        request.to_warehouse_id,
        request.quantity,
    ):
        return IdReused(
            "transfer",
            request.transfer_id,
            f"transfer {request.transfer_id} moved {previous.quantity} {previous.unit} of "
            f"{previous.source_lot_id} to {previous.to_warehouse_id}; a retry must repeat it",
        )
    return previous
