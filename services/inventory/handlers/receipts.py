"""Booking confirmed fills into holdings, or holding them for ops with the reason."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping

import structlog

from services.inventory import events
from services.inventory.domain import (
    AlreadyBooked,
    Fill,
    HeldForOps,
    Phase,
    Receipt,
    Tier,
    Unit,
    book_receipt,
)
from services.inventory.repository import held_fills, ledger, locks, lots, warehouses
from shared import outbox
from shared.catalogue import load_catalogue
from shared.contracts import FillRecorded
from shared.db import Connection

log = structlog.get_logger(__name__)

Booking = Receipt | HeldForOps | AlreadyBooked


@functools.cache
def catalogue_units() -> Mapping[str, Unit]:
    return {mineral.id: Unit(mineral.unit.value) for mineral in load_catalogue()}


def fill_of(recorded: FillRecorded) -> Fill:
    return Fill(
        fill_id=recorded.fill_id,
        order_id=recorded.order_id,
        trader_id=recorded.trader_id,
        mineral=recorded.mineral,
        unit=Unit(recorded.quantity.unit),
        quantity=recorded.quantity.amount,
        unit_price=recorded.unit_price.amount,
        origin_country=recorded.origin_country,
        tier=Tier(recorded.tier),
        warehouse_id=recorded.warehouse_id,
        lot_reference=recorded.lot_reference,
        filled_at=recorded.filled_at,
        phase=Phase(recorded.phase),
        policy_version=recorded.policy_version,
        owner=recorded.manufacturer_id,
    )


async def book_fill(
    conn: Connection, recorded: FillRecorded, *, event_id: uuid.UUID, correlation_id: str
) -> Booking:
    """Book a fill from ``order.fill_recorded``; a fill seen before changes nothing."""
    await locks.share_warehouse(conn, recorded.warehouse_id)
    decision = await _decide(conn, fill_of(recorded))
    if isinstance(decision, Receipt):
        await _store(conn, decision)
        log.info("fill_booked", fill_id=recorded.fill_id, lot_id=decision.lot.lot_id)
    elif isinstance(decision, HeldForOps):
        newly = await held_fills.hold(
            conn, recorded, decision.reason, event_id=event_id, correlation_id=correlation_id
        )
        log.warning(
            "fill_held_for_ops", fill_id=recorded.fill_id, reason=decision.reason, resend=not newly
        )
    else:
        log.info("fill_already_booked", fill_id=recorded.fill_id)
    return decision


async def book_held_fills(conn: Connection, warehouse_id: str) -> list[Booking]:
    """Book what was held for ``warehouse_id``; the caller holds its registration lock."""
    decisions: list[Booking] = []
    for held in await held_fills.open_for_warehouse(conn, warehouse_id):
        decision = await _decide(conn, fill_of(held.fill))
        if isinstance(decision, Receipt):
            # The order's story continues under the fill event's correlation id.
            await _store(
                conn,
                decision,
                correlation_id=held.correlation_id,
                causation_id=str(held.event_id),
            )
            await held_fills.mark_booked(conn, held.fill.fill_id, decision.movement.movement_id)
            log.info("held_fill_booked", fill_id=held.fill.fill_id, warehouse_id=warehouse_id)
        elif isinstance(decision, HeldForOps):
            await held_fills.still_held(conn, held.fill.fill_id, decision.reason)
        else:
            await held_fills.mark_booked(conn, held.fill.fill_id, f"receipt:{held.fill.fill_id}")
        decisions.append(decision)
    return decisions


async def _decide(conn: Connection, fill: Fill) -> Booking:
    known = await warehouses.by_ids(conn, [fill.warehouse_id])
    booked = {fill.fill_id} if await lots.fill_booked(conn, fill.fill_id) else set()
    return book_receipt(fill, known, booked, mineral_units=catalogue_units())


async def _store(
    conn: Connection,
    receipt: Receipt,
    *,
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> None:
    await lots.insert(conn, receipt.lot)
    [balance] = await ledger.post(conn, [receipt.movement])
    update = events.holdings_updated(
        receipt.movement,
        balance,
        receipt.lot,
        correlation_id=correlation_id,
        causation_id=causation_id,
    )
    await outbox.enqueue(conn, [update])
