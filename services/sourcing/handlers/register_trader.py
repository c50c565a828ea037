"""The program registers a trader: the roster of specialists per market, their rank and limits."""

from __future__ import annotations

import structlog

from services.sourcing.context import Sourcing
from services.sourcing.domain import Trigger, trader_refusal
from services.sourcing.handlers import placing
from services.sourcing.repository import program
from services.sourcing.repository.locks import lock_minerals
from shared.codec import PoisonMessage
from shared.contracts import TraderRegistered
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def trader_registered(
    conn: Connection, event: Envelope[TraderRegistered], *, ctx: Sourcing
) -> None:
    trader = event.payload
    refusal = trader_refusal(trader, ctx.catalogue)
    if refusal is not None:
        raise PoisonMessage("trader_refused", refusal, event_id=event.event_id, event=event)
    minerals = [m.id for market in trader.markets for m in ctx.catalogue.in_market(market)]
    # Mineral locks first, as every other writer of the book and the roster takes them.
    await lock_minerals(conn, minerals)
    changed = await program.register_trader(conn, trader, event.occurred_at)
    log.info(
        "trader_registered",
        trader_id=trader.trader_id,
        markets=sorted(trader.markets),
        rank=trader.rank,
        active=trader.active,
        applied=changed,
    )
    if changed and trader.active:
        # A new specialist (or more room) may take what was waiting for one.
        await placing.retry_waiting(conn, ctx, minerals, Trigger.TRADER_REGISTERED, cause=event)
