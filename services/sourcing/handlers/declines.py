"""A trader declines what is left of a leg: the rest cascades down the waterfall."""

from __future__ import annotations

import structlog

from services.sourcing import messages
from services.sourcing.explanation import Trigger
from services.sourcing.handlers.deps import Sourcing
from services.sourcing.messages import Outgoing
from services.sourcing.repository import legs, orders
from services.sourcing.repository.locks import lock_minerals
from shared import outbox
from shared.codec import PoisonMessage
from shared.contracts import LegDeclined
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def declined(conn: Connection, event: Envelope[LegDeclined], sourcing: Sourcing) -> None:
    decline = event.payload
    mineral = await orders.mineral_of(conn, decline.order_id)
    if mineral is None:
        raise PoisonMessage("decline_refused", f"order {decline.order_id} is unknown")
    await lock_minerals(conn, [mineral])
    order = await orders.lock(conn, decline.order_id)
    assert order is not None  # orders are never deleted
    leg = await legs.get(conn, decline.leg_id)
    if leg is None or leg.order_id != order.order_id or leg.trader_id != decline.trader_id:
        raise PoisonMessage(
            "decline_refused",
            f"leg {decline.leg_id} is not {decline.trader_id}'s leg of order {order.order_id}",
        )
    if not leg.is_open:
        # Expired (and cascaded) or filled before the decline arrived: nothing left to decline.
        log.info("decline_of_closed_leg", leg_id=leg.leg_id, status=leg.status)
        return
    outgoing: list[Outgoing] = []
    if decline.quantity.amount < leg.remainder:
        # A decline ends the leg: the part not declined is withdrawn from the trader too.
        outgoing.append(
            messages.leg_cancelled(order, leg, "declined in part; the rest goes elsewhere")
        )
    log.info("leg_declined", leg_id=leg.leg_id, remainder=str(leg.remainder))
    outgoing += await sourcing.placer.cascade_leg(
        conn,
        order,
        leg,
        status="declined",
        reason=f"declined: {decline.reason}",
        trigger=Trigger.LEG_DECLINED,
        now=sourcing.now(),
    )
    await outbox.enqueue(conn, outgoing)
