"""A program admin approves a policy exception for one order; its waiting quantity is retried.

The approval is recorded (who, when, why) and the order, if it has quantity waiting, is
placed again at once with the option it opens (``domain/exceptions.py``); otherwise its
next retry or cascade considers it. The decision record names the approval.
"""

from __future__ import annotations

from typing import Literal

import structlog

from services.sourcing import events
from services.sourcing.context import Sourcing
from services.sourcing.domain import Trigger
from services.sourcing.domain.exceptions import NON_PRIMARY_TRADER, Approval
from services.sourcing.handlers import placing
from services.sourcing.repository import exceptions, orders
from services.sourcing.repository.locks import lock_minerals
from shared.db import Connection

log = structlog.get_logger(__name__)


Outcome = Literal["approved", "no_such_order", "no_such_trader"]


async def approve(conn: Connection, ctx: Sourcing, approval: Approval) -> Outcome:
    """Record the approval and retry the order; nothing recorded for an order or (for
    ``non_primary_trader``) a trader sourcing does not know."""
    mineral = await exceptions.mineral_of(conn, approval.order_id)
    if mineral is None:
        return "no_such_order"
    if approval.kind == NON_PRIMARY_TRADER and not await exceptions.trader_known(
        conn, approval.subject
    ):
        return "no_such_trader"
    await lock_minerals(conn, [mineral])
    await exceptions.save(conn, approval)
    waiting = [
        o for o in await orders.lock_waiting(conn, [mineral]) if o.order_id == approval.order_id
    ]
    if waiting:
        situation = await placing.read_situation(conn, ctx, waiting)
        decided = placing.place_each(waiting, situation, Trigger.EXCEPTION_APPROVED)
        await placing.store(conn, decided, events.envelopes(decided.events))
    log.info(
        "policy_exception_approved",
        order_id=approval.order_id,
        kind=approval.kind,
        subject=approval.subject,
        approved_by=approval.approved_by,
        retried=bool(waiting),
    )
    return "approved"
