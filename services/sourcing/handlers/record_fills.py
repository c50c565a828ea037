"""Fills the gateway confirmed are learnt against their legs, once each, and passed on.

The gateway owns a leg's fills: each arrives judged (title passed when the trader was
answered 201), in the order the gateway decided the leg's facts. Sourcing never
refuses one: it counts it against its leg and order (never beyond them), records it
with the tier and policy it was bought under, and tells inventory
(``order.fill_recorded``). What cannot be applied as it stands is noted as an anomaly
for ops (logged, counted), not dead-lettered.

A batch at a time: the minerals' locks (the one lock order: minerals, then orders),
the orders locked with their legs, the fills known under the batch's ids, each fill
learnt in turn against the leg as the fills before it left it, then a few set
statements for the whole batch.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from services.sourcing import events
from services.sourcing.context import Sourcing
from services.sourcing.domain import Anomaly, Changes, KnownFill, learn_fill
from services.sourcing.handlers import placing
from services.sourcing.repository import fills, orders
from services.sourcing.repository.locks import lock_minerals
from shared.contracts import Event, FillConfirmed
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def confirmed(
    conn: Connection, confirmations: Sequence[Envelope[FillConfirmed]], *, ctx: Sourcing
) -> None:
    await lock_minerals(conn, {e.payload.mineral for e in confirmations})
    locked = await orders.lock(
        conn,
        (e.payload.order_id for e in confirmations),
        (e.payload.leg_id for e in confirmations),
    )
    known = await fills.known(conn, (e.payload.fill_id for e in confirmations))
    now = ctx.now()
    decided = Changes()
    outgoing: list[Envelope[Event]] = []
    for event in confirmations:
        fill = event.payload
        order = locked.orders.get(fill.order_id)
        leg = locked.legs.get(fill.leg_id)
        if order is None or leg is None or leg.order_id != fill.order_id:
            decided.anomalies.append(
                Anomaly(
                    "fill_of_unknown_leg",
                    fill.order_id,
                    fill.leg_id,
                    f"no leg {fill.leg_id} of order {fill.order_id} here: not recorded",
                    fill.fill_id,
                )
            )
            continue
        change = learn_fill(
            order, leg, fill, known=known.get(fill.fill_id), policy=ctx.policy, now=now
        )
        if change.is_empty:
            log.info("fill_already_recorded", fill_id=fill.fill_id, order_id=fill.order_id)
            continue
        # Later fills in the batch see this one: its order, its leg, its id.
        locked.orders[fill.order_id] = change.order
        for learnt in change.updated:
            locked.legs[learnt.leg_id] = learnt
        if change.fills:
            known[fill.fill_id] = KnownFill(fill.leg_id, fill.quantity.amount)
        decided.add(change)
        outgoing += events.envelopes(change.events, cause=event)
        log.info(
            "fill_recorded",
            fill_id=fill.fill_id,
            leg_id=fill.leg_id,
            order_id=fill.order_id,
            quantity=str(fill.quantity.amount),
            status=str(change.order.status),
        )
    placing.log_anomalies(decided.anomalies)
    await placing.store(conn, decided, outgoing)
