"""Confirming fills: one, or a batch, against the trader's locked legs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import structlog

from services.trader_gateway import events
from services.trader_gateway.domain import (
    BatchFill,
    FillAccepted,
    FillProposal,
    FillRefused,
    apply_fill,
    check_fill,
    check_fill_batch,
)
from services.trader_gateway.repository import legs as repo
from services.trader_gateway.repository.legs import LegRecord
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class FillBooked:
    fill_id: str
    fill: FillAccepted
    leg: LegRecord  # as the fill left it


async def confirm_fill(
    conn: Connection, trader_id: str, leg_id: str, proposal: FillProposal, now: datetime
) -> FillBooked | FillRefused:
    record = (await repo.lock(conn, [leg_id], trader_id)).get(leg_id)
    result = check_fill(record.leg if record else None, proposal, trader_id, now)
    if isinstance(result, FillRefused):
        return result
    assert record is not None, "check_fill accepts only a leg it was given"
    return await _book(conn, record, result)


async def confirm_batch(
    conn: Connection, trader_id: str, items: Sequence[BatchFill], now: datetime
) -> list[FillBooked | FillRefused] | FillRefused:
    """Each item checked against the legs as the items before it left them; all booked
    in the caller's one transaction, so a crash books all of the accepted or none."""
    working = await repo.lock(conn, [item.leg_id for item in items], trader_id)
    checked = check_fill_batch([r.leg for r in working.values()], items, trader_id, now)
    if isinstance(checked, FillRefused):
        return checked
    results: list[FillBooked | FillRefused] = []
    for item, result in zip(items, checked.results, strict=True):
        if isinstance(result, FillRefused):
            results.append(result)
            continue
        booked = await _book(conn, working[item.leg_id], result)
        working[item.leg_id] = booked.leg
        results.append(booked)
    return results


async def _book(conn: Connection, record: LegRecord, accepted: FillAccepted) -> FillBooked:
    # apply_fill re-checks against the locked row and raises rather than over-fill.
    after = apply_fill(record.leg, accepted)
    fill_id = f"fill_{uuid.uuid4().hex}"
    event = events.fill_confirmed(fill_id, accepted, record)
    await repo.record_fill(conn, fill_id, accepted, after, event.event_id)
    await events.enqueue(conn, [event])
    log.info(
        "fill_confirmed",
        fill_id=fill_id,
        leg_id=accepted.leg_id,
        order_id=accepted.order_id,
        quantity=str(accepted.quantity),
        remaining=str(after.remaining),
    )
    return FillBooked(fill_id, accepted, replace(record, leg=after))
