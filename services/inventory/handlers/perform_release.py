"""Releasing a manufacturer's material in a shock, oldest lots first, and asking for it back.

Five statements for a release however many lots it draws: the locks, the lots held,
the release claimed under its id, the ledger, the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import structlog

from services.inventory import events
from services.inventory.domain import (
    DEFAULT_PRICE_HEADROOM,
    IdReused,
    Release,
    ReleaseRefused,
    ReleaseRequest,
    plan_release,
    retry_release,
)
from services.inventory.repository import ledger, locks, lots, releases
from shared import outbox
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Released:
    release: Release
    # True when this answers a retry: nothing was drawn this time.
    replayed: bool


async def perform_release(
    conn: Connection,
    request: ReleaseRequest,
    *,
    now: datetime,
    lead_days: int,
    price_headroom: Decimal = DEFAULT_PRICE_HEADROOM,
) -> Released | ReleaseRefused | IdReused:
    # A retry racing its original waits for it, and two releases of one
    # manufacturer's mineral take turns.
    await locks.release(conn, request.manufacturer_id, request.release_id, request.mineral)
    held = await lots.held_for_update(
        conn, request.manufacturer_id, request.mineral, request.warehouse_id
    )
    plan = plan_release(
        held,
        request.manufacturer_id,
        request.mineral,
        request.quantity,
        request.warehouse_id,
        release_id=request.release_id,
        at=now,
        lead_days=lead_days,
        price_headroom=price_headroom,
    )
    # A retry finds its release's id taken, or (if the first drew what was there)
    # too little left to plan again: either way, what was done answers it.
    if isinstance(plan, ReleaseRefused) or not await releases.claim(conn, plan.release):
        stored = await releases.get(conn, request.manufacturer_id, request.release_id)
        if stored is not None:
            retried = retry_release(stored, request)
            return retried if isinstance(retried, IdReused) else Released(retried, replayed=True)
        assert isinstance(plan, ReleaseRefused), "a claimed release id is stored"
        log.info("release_refused", release_id=request.release_id, reason=plan.reason)
        return plan
    await ledger.post(conn, plan.postings)
    await outbox.enqueue(conn, events.of_release(plan))
    log.info(
        "release_performed",
        release_id=plan.release_id,
        manufacturer_id=plan.manufacturer,
        mineral=plan.mineral,
        quantity=str(plan.quantity),
        lots=len(plan.postings),
        replenishment_request_id=plan.replenishment.demand_id,
        replenishment_limit=str(plan.replenishment.limit_price),
    )
    return Released(plan.release, replayed=False)
