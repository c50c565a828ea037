"""A program admin's decision on a fill held beyond the price tolerance.

The leg's row is locked first, as every writer of a leg does, then the pending fill is
read again under that lock: a fill is decided once, and never after its leg closed
(a closing rejects the fills pending on it, under the same lock). Approved, it becomes
the fill of the same id, ``fill.confirmed`` enqueued in the same transaction (so in the
leg's order, after the fills and before any closing decided after it), with who
approved it, when and why; rejected, its quantity is free on the leg again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog

from services.trader_gateway import events
from services.trader_gateway.domain import (
    FillRefused,
    PendingStatus,
    RefusalCode,
    approve_pending,
    release_pending,
)
from services.trader_gateway.repository import legs as repo
from services.trader_gateway.repository import pending as pending_repo
from services.trader_gateway.repository.legs import Approval, BookedFill
from services.trader_gateway.repository.pending import PendingRecord
from shared.db import Connection

log = structlog.get_logger(__name__)

NOT_FOUND = FillRefused(RefusalCode.NOT_FOUND, "pending fill not found")


@dataclass(frozen=True, slots=True)
class Decided:
    pending: PendingRecord  # as the decision left it


async def decide(
    conn: Connection, fill_id: str, approve: bool, by: str, reason: str, now: datetime
) -> Decided | FillRefused:
    """Approve or reject the pending fill ``fill_id`` (in the caller's transaction)."""
    seen = await pending_repo.find(conn, fill_id)
    if seen is None:
        return NOT_FOUND
    locked = await repo.lock(conn, [(seen.fill.leg_id, seen.fill.trader_id)])
    record = locked.get(seen.fill.leg_id)
    pending = await pending_repo.find(conn, fill_id)  # again, under the leg's lock
    if record is None or pending is None:
        return NOT_FOUND
    if pending.status is not PendingStatus.PENDING:
        return FillRefused(
            RefusalCode.NOT_PENDING,
            f"the fill is {pending.status.value}"
            + (f": {pending.reason}" if pending.reason else ""),
            None,
            (("status", pending.status.value),),
        )
    status = PendingStatus.APPROVED if approve else PendingStatus.REJECTED
    if approve:
        filled = approve_pending(record.leg, pending.fill)
        event = events.fill_confirmed(fill_id, filled.fill, record.manufacturer_id, approved_by=by)
        await repo.save(
            conn,
            legs=[filled.leg],
            fills=[BookedFill(fill_id, filled.fill, event.event_id, Approval(by, now, reason))],
            events=[event],
        )
    else:
        await repo.save(conn, legs=[release_pending(record.leg, pending.fill.quantity)])
    await pending_repo.decide(conn, fill_id, status, by, now, reason)
    log.info("pending_fill_decided", fill_id=fill_id, status=status.value, by=by)
    after = await pending_repo.find(conn, fill_id)
    assert after is not None
    return Decided(after)
