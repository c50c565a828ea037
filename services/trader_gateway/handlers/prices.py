"""Treasury's reference prices and tolerances (``vault.treasury.prices``), kept in the
gateway's own tables: the fill path checks every fill against them."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from services.trader_gateway.repository import pending as repo
from shared.contracts import PriceToleranceSet, ReferencePriceSet
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def reference_prices_set(
    conn: Connection, events: Sequence[Envelope[ReferencePriceSet]]
) -> None:
    await repo.save_reference_prices(conn, [e.payload for e in events])
    for event in events:
        log.info(
            "reference_price_learnt",
            mineral=event.payload.mineral,
            effective_on=event.payload.effective_on.isoformat(),
        )


async def tolerances_set(conn: Connection, events: Sequence[Envelope[PriceToleranceSet]]) -> None:
    await repo.save_tolerances(conn, [e.payload for e in events])
    for event in events:
        log.info("price_tolerance_learnt", mineral=event.payload.mineral)
