"""Fills from sourcing become receipts, a batch at a time; a fill that cannot be booked is held.

One statement learns what the whole batch needs (registered warehouses, fills booked
before, lot ids taken), the domain decides every fill in order, and one statement
each writes the new lots, the ledger, the held fills and the ``holdings.updated``
events, however many fills the batch holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import structlog

from services.inventory import events
from services.inventory.context import Inventory
from services.inventory.domain import (
    AlreadyBooked,
    Booking,
    Fill,
    HeldForOps,
    Receipt,
    book_receipts,
)
from services.inventory.repository import held_fills, ledger, locks, lots, receipts
from services.inventory.repository.held_fills import ToHold
from shared import outbox
from shared.contracts import FillRecorded, Phase, Tier, Unit
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Arrived:
    """A fill as it reached inventory, and the event that brought it (the order's story goes on)."""

    fill: FillRecorded
    event_id: uuid.UUID
    correlation_id: str


async def fills_recorded(
    conn: Connection, recorded: Sequence[Envelope[FillRecorded]], *, ctx: Inventory
) -> None:
    """``order.fill_recorded``, a partition's batch at once: book each fill, or hold it for ops."""
    arrived = [Arrived(e.payload, e.event_id, e.correlation_id) for e in recorded]
    # Registering a warehouse excludes booking into it: a fill is not held for a
    # warehouse whose registration (and its booking of held fills) commits meanwhile.
    await locks.receipts_into(conn, {a.fill.warehouse_id for a in arrived})
    decisions = await book_fills(conn, arrived, ctx.mineral_units)
    held = [
        ToHold(a.fill, d.reason, a.event_id, a.correlation_id)
        for a, d in zip(arrived, decisions, strict=True)
        if isinstance(d, HeldForOps)
    ]
    newly = await held_fills.hold(conn, held)
    for fill in held:
        log.warning(
            "fill_held_for_ops",
            fill_id=fill.fill.fill_id,
            order_id=fill.fill.order_id,
            reason=fill.reason,
            resend=fill.fill.fill_id not in newly,
        )


async def book_fills(
    conn: Connection, arrived: Sequence[Arrived], mineral_units: Mapping[str, Unit]
) -> list[Booking]:
    """Book what can be booked, in order; a fill seen before changes nothing.

    The caller holds the warehouses' locks (shared for receipts, the registration's
    own when it books what was held for it) and keeps what is held.
    """
    if not arrived:
        return []
    fills = [fill_of(a.fill) for a in arrived]
    known = await receipts.known(conn, fills)
    decisions = book_receipts(
        fills,
        known.warehouses,
        known.booked_fill_ids,
        mineral_units,
        taken_lot_ids=known.lot_ids,
    )
    booked = [(a, d) for a, d in zip(arrived, decisions, strict=True) if isinstance(d, Receipt)]
    await lots.insert_new(conn, [receipt.lot for _, receipt in booked])
    await ledger.post(conn, [receipt.posting for _, receipt in booked])
    await outbox.enqueue(
        conn,
        [
            events.holdings_updated(
                receipt.posting,
                correlation_id=a.correlation_id,
                causation_id=str(a.event_id),
            )
            for a, receipt in booked
        ],
    )
    for a, decision in zip(arrived, decisions, strict=True):
        if isinstance(decision, Receipt):
            log.info(
                "fill_booked",
                fill_id=a.fill.fill_id,
                order_id=a.fill.order_id,
                lot_id=decision.lot.lot_id,
            )
        elif isinstance(decision, AlreadyBooked):
            log.info("fill_already_booked", fill_id=a.fill.fill_id, order_id=a.fill.order_id)
    return decisions


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
        leg_id=recorded.leg_id,
    )
