"""The steps every use case that places orders shares: read, decide in turn, store, enqueue.

The situation (phases, books, traders) is read once for all the orders at hand;
the domain decides for each order in turn against the situation the previous
decision left; the changes are stored with a few set statements and their events
enqueued at once. Callers hold the minerals' locks and the orders' row locks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import structlog

from services.sourcing import events
from services.sourcing.context import Sourcing
from services.sourcing.domain import (
    Anomaly,
    Change,
    Changes,
    OrderState,
    Situation,
    Trigger,
    place_open,
)
from services.sourcing.domain.exceptions import preferred_traders
from services.sourcing.repository import book, ceilings, changes, exceptions, orders, program
from shared import outbox
from shared.contracts import Event
from shared.db import Connection
from shared.envelope import Envelope, EventMeta

log = structlog.get_logger(__name__)


async def read_situation(
    conn: Connection,
    ctx: Sourcing,
    placing: Sequence[OrderState],
    *,
    traders: Iterable[str] = (),
    closing: Iterable[str] = (),
) -> Situation:
    """What decisions for these orders are taken against; `traders` must be in the roster
    too (those whose failed legs cascade: their exposure is released), and the legs
    `closing` commit nothing more against the annual ceilings (what they filled stays spent)."""
    now = ctx.now()
    minerals = {order.mineral for order in placing}
    phases = await program.phases(conn, minerals, now)
    books = await book.load(conn, minerals, now)
    offering = {offer.trader_id for mineral_book in books.values() for offer in mineral_book}
    approvals = await exceptions.of_orders(conn, (order.order_id for order in placing))
    approved = {t for found in approvals.values() for t in preferred_traders(found)}
    rosters = await program.load_rosters(
        conn, {order.market for order in placing}, offering | set(traders) | approved
    )
    tallies = await ceilings.tallies(conn, minerals, now.year, closing=closing)
    return Situation(
        phases=phases,
        books=books,
        rosters=rosters,
        policy=ctx.policy,
        leg_ttl=ctx.leg_ttl,
        now=now,
        tallies=tallies,
        approvals=approvals,
    )


def place_each(placing: Sequence[OrderState], situation: Situation, trigger: Trigger) -> Changes:
    """Each order's open quantity placed in turn, oldest first, against what the one
    before it left of the book and of the traders' room."""
    decided = Changes()
    for order in placing:
        placed = place_open(order, situation, trigger)
        log_change(placed.change, trigger)
        decided.add(placed.change)
        situation = placed.situation or situation
    return decided


async def store(conn: Connection, decided: Changes, outgoing: Sequence[Envelope[Event]]) -> None:
    """Write the changes and enqueue the events they say, in the caller's transaction."""
    await changes.save(conn, decided)
    await outbox.enqueue(conn, outgoing)


async def retry_waiting(
    conn: Connection,
    ctx: Sourcing,
    minerals: Iterable[str],
    trigger: Trigger,
    cause: EventMeta | None = None,
) -> None:
    """Offer what is waiting for these minerals to the book again, oldest order first.

    The caller holds the minerals' locks.
    """
    # Mineral by mineral, each oldest first: the order in which room under a trader's
    # limits is offered when one trader serves several of the minerals.
    waiting = sorted(await orders.lock_waiting(conn, minerals), key=lambda o: o.mineral)
    if not waiting:
        return
    situation = await read_situation(conn, ctx, waiting)
    decided = place_each(waiting, situation, trigger)
    await store(conn, decided, events.envelopes(decided.events, cause=cause))


def log_change(change: Change, trigger: Trigger) -> None:
    """One line per order a decision changed, naming it: batch lines carry no order id."""
    order = change.order
    if change.decisions:
        log.info(
            "order_placed",
            order_id=order.order_id,
            trigger=str(trigger),
            legs=[leg.leg_id for leg in change.opened],
            open=str(order.open_quantity),
            status=str(order.status),
            phase=str(change.decisions[-1].phase),
        )
    elif change.saved:
        # Its reason moved on (a retry found nothing new), or its delivery day passed.
        log.info(
            "order_restated",
            order_id=order.order_id,
            status=str(order.status),
            open=str(order.open_quantity),
            reason=order.open_reason,
        )


def log_anomalies(anomalies: Sequence[Anomaly]) -> None:
    """Loudly: each is a bug somewhere (the gateway's word could not be applied as it stood)."""
    for anomaly in anomalies:
        log.error(
            "leg_anomaly",
            kind=anomaly.kind,
            order_id=anomaly.order_id,
            leg_id=anomaly.leg_id,
            fill_id=anomaly.fill_id,
            detail=anomaly.detail,
        )
