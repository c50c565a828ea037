"""Releasing a manufacturer's material in a shock, oldest lots first, and asking for it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import structlog

from services.inventory import events
from services.inventory.domain import Lot, Movement, ReleasePlan, ReleaseRefused, plan_release
from services.inventory.handlers.requests import IdReused
from services.inventory.repository import ledger, locks, lots, releases
from services.inventory.repository.releases import ReleaseRecord
from shared import outbox
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseRequest:
    release_id: str
    manufacturer_id: str
    mineral: str
    quantity: Decimal
    warehouse_id: str | None = None


@dataclass(frozen=True, slots=True)
class Released:
    record: ReleaseRecord
    draws: list[Movement]
    # True when this answers a retry: nothing was drawn this time.
    replayed: bool


async def release(
    conn: Connection, request: ReleaseRequest, *, now: datetime, lead_days: int
) -> Released | ReleaseRefused | IdReused:
    # Lock order everywhere: the request id, then the holdings. A retry racing its
    # original waits for it, and two releases of one manufacturer's mineral take turns.
    await locks.lock_request(conn, "release", f"{request.manufacturer_id}\x1f{request.release_id}")
    await locks.lock_holdings(conn, request.manufacturer_id, request.mineral)
    existing = await releases.get(conn, request.manufacturer_id, request.release_id)
    if existing is not None:
        return await _replay(conn, existing, request)
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
    )
    if isinstance(plan, ReleaseRefused):
        log.info("release_refused", release_id=request.release_id, reason=plan.reason)
        return plan
    record = await _perform(
        conn, plan, request, {h.lot.lot_id: h.lot for h in held}, now, lead_days
    )
    return Released(record, list(plan.movements), replayed=False)


async def _perform(
    conn: Connection,
    plan: ReleasePlan,
    request: ReleaseRequest,
    lots_by_id: dict[str, Lot],
    now: datetime,
    lead_days: int,
) -> ReleaseRecord:
    deliver_by = now.date() + timedelta(days=lead_days)
    record = ReleaseRecord(
        release_id=plan.release_id,
        manufacturer_id=plan.manufacturer,
        mineral=plan.mineral,
        quantity=plan.quantity,
        unit=plan.unit,
        warehouse_id=request.warehouse_id,
        rule="fifo",
        replenishment_request_id=plan.replenishment.demand_id,
        deliver_by=deliver_by,
        performed_at=now,
    )
    await releases.insert(conn, record)
    balances = await ledger.post(conn, plan.movements)
    performed = events.release_performed(plan, request.warehouse_id, deliver_by)
    _, cause = performed
    await outbox.enqueue(
        conn,
        [
            performed,
            *events.holdings_updates(plan.movements, balances, lots_by_id, cause=cause),
            events.replenishment_demand(plan, deliver_by, cause=cause),
        ],
    )
    log.info(
        "release_performed",
        release_id=plan.release_id,
        manufacturer_id=plan.manufacturer,
        mineral=plan.mineral,
        quantity=str(plan.quantity),
        lots=len(plan.movements),
        replenishment_request_id=plan.replenishment.demand_id,
    )
    return record


async def _replay(
    conn: Connection, existing: ReleaseRecord, request: ReleaseRequest
) -> Released | IdReused:
    same = (
        existing.mineral == request.mineral
        and existing.quantity == request.quantity
        and existing.warehouse_id == request.warehouse_id
    )
    if not same:
        return IdReused(
            "release",
            request.release_id,
            f"release {request.release_id} was performed as "
            f"{existing.quantity} {existing.unit} of {existing.mineral}"
            + (f" from {existing.warehouse_id}" if existing.warehouse_id else "")
            + "; a retry must repeat the same request",
        )
    draws = await ledger.movements_of_release(conn, existing.manufacturer_id, existing.release_id)
    return Released(existing, draws, replayed=True)
