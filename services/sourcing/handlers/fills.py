"""A trader's confirmed fill is recorded against its leg, once, and never beyond it."""

from __future__ import annotations

from dataclasses import replace

import structlog

from services.sourcing import messages
from services.sourcing.checks import fill_refusal, same_fill
from services.sourcing.domain import order_status, tier_of
from services.sourcing.handlers.deps import Sourcing
from services.sourcing.repository import legs, orders
from shared import outbox
from shared.codec import PoisonMessage
from shared.contracts import FillConfirmed
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def confirmed(conn: Connection, event: Envelope[FillConfirmed], sourcing: Sourcing) -> None:
    fill = event.payload
    # A fill never touches the book, so the order's row lock is the only lock it needs.
    order = await orders.lock(conn, fill.order_id)
    if order is None:
        raise PoisonMessage("fill_refused", f"order {fill.order_id} is unknown")
    known = await legs.find_fill(conn, fill.fill_id)
    if known is not None:
        if same_fill(known["leg_id"], known["quantity"], fill):
            log.info("fill_already_recorded", fill_id=fill.fill_id)
            return
        raise PoisonMessage("fill_refused", f"fill id {fill.fill_id} was used for another fill")
    leg = await legs.get(conn, fill.leg_id)
    refusal = fill_refusal(fill, order, leg, sourcing.policy)
    if refusal is not None:
        raise PoisonMessage("fill_refused", refusal)
    assert leg is not None
    now = sourcing.now()
    # The tier is the origin's under the table in force, which is what the record names.
    tier = tier_of(sourcing.policy, fill.origin_country)
    version = sourcing.policy.version
    await legs.insert_fill(conn, fill, tier=tier, phase=leg.phase, policy_version=version)
    await legs.add_filled(conn, leg.leg_id, fill.quantity.amount, now)
    filled = order.filled + fill.quantity.amount
    held = await orders.on_legs(conn, order.order_id)
    updated = replace(
        order,
        filled=filled,
        status=order_status(quantity=order.quantity, filled=filled, on_legs=held),
    )
    await orders.save(conn, updated)
    log.info(
        "fill_recorded",
        fill_id=fill.fill_id,
        leg_id=leg.leg_id,
        quantity=str(fill.quantity.amount),
        status=str(updated.status),
    )
    await outbox.enqueue(
        conn,
        [
            messages.fill_recorded(updated, leg, fill, tier=tier, policy_version=version),
            messages.status_changed(updated),
        ],
    )
