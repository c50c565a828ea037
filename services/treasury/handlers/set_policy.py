"""Treasury's own facts, set by a program admin (or, for prices, a feed): stored and told.

Each is saved and its event enqueued in the same transaction, so the gateway (prices,
tolerances) and sourcing (ceilings) learn exactly what treasury holds."""

from __future__ import annotations

import structlog

from services.treasury.events import outgoing
from services.treasury.repository import policy
from shared import outbox
from shared.contracts import (
    AnnualCeilingSet,
    FundingSourceSet,
    PriceToleranceSet,
    ReferencePriceSet,
)
from shared.db import Connection

log = structlog.get_logger(__name__)


async def set_reference_price(conn: Connection, price: ReferencePriceSet) -> bool:
    """Store the price; told (and True) only when it is new or changed."""
    changed = await policy.save_reference_price(conn, price)
    if changed:
        await outbox.enqueue(conn, [outgoing(price)])
        log.info(
            "reference_price_set",
            mineral=price.mineral,
            form=price.form,
            effective_on=price.effective_on.isoformat(),
            price=str(price.price.amount),
            source=price.source,
            set_by=price.set_by,
        )
    return changed


async def set_tolerance(conn: Connection, tolerance: PriceToleranceSet) -> None:
    await policy.save_tolerance(conn, tolerance)
    await outbox.enqueue(conn, [outgoing(tolerance)])
    log.info("price_tolerance_set", mineral=tolerance.mineral, tolerance=str(tolerance.tolerance))


async def set_ceiling(conn: Connection, ceiling: AnnualCeilingSet) -> None:
    await policy.save_ceiling(conn, ceiling)
    await outbox.enqueue(conn, [outgoing(ceiling)])
    log.info(
        "annual_ceiling_set",
        mineral=ceiling.mineral,
        year=ceiling.year,
        ceiling_usd=str(ceiling.ceiling_usd),
    )


async def set_funding_source(conn: Connection, source: FundingSourceSet) -> None:
    await policy.save_funding_source(conn, source)
    await outbox.enqueue(conn, [outgoing(source)])
    log.info("funding_source_set", source_id=source.source_id, ceiling_usd=str(source.ceiling_usd))
