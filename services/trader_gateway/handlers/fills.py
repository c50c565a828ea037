"""Confirming fills, one or a batch, against the trader's locked legs.

Two statements whatever the number of fills: the first claims the request's
Idempotency-Key and locks its legs (in id order), with the reference prices and
tolerances treasury set for their minerals; the domain decides every fill against
the legs as the fills before it left them; the second writes the legs as they end, every
fill, every ``fill.confirmed`` outbox row, the fills held for approval (beyond the
tolerance: nothing emitted) and the answer. A crash books all of it or none.
"""

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
    Filled,
    FillProposal,
    FillRefused,
    Held,
    check_fill_batch,
)
from services.trader_gateway.repository import idempotency
from services.trader_gateway.repository import legs as repo
from services.trader_gateway.repository.idempotency import Answer, Answered, Claim
from services.trader_gateway.repository.legs import BookedFill, HeldFill, LegRecord, Locked
from shared.db import Connection
from shared.envelope import EventMeta

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class FillBooked:
    fill_id: str
    fill: FillAccepted
    leg: LegRecord  # as the fill left it


@dataclass(frozen=True, slots=True)
class FillHeld:
    """A fill beyond the price tolerance: pending a program admin's approval (202)."""

    fill_id: str
    held: Held
    leg: LegRecord  # as the hold left it


FillOutcome = FillBooked | FillHeld | FillRefused
BatchOutcome = list[FillOutcome] | FillRefused  # a refusal of the whole batch, or one per item


async def confirm_fill(
    conn: Connection,
    trader_id: str,
    leg_id: str,
    proposal: FillProposal,
    now: datetime,
    claim: Claim,
    answer: Answer[FillOutcome],
) -> Answered[FillOutcome]:
    """One fill: the same path as a batch of one, answered for that one."""
    answered = await confirm_batch(
        conn, trader_id, [BatchFill(leg_id, proposal)], now, claim, lambda o: answer(_one(o))
    )
    return Answered(answered.response, None if answered.outcome is None else _one(answered.outcome))


async def confirm_batch(
    conn: Connection,
    trader_id: str,
    items: Sequence[BatchFill],
    now: datetime,
    claim: Claim,
    answer: Answer[BatchOutcome],
) -> Answered[BatchOutcome]:
    """Each item decided against the legs as the items before it left them; refused
    items book nothing and do not stop the others."""
    locked = await repo.claim_and_lock(conn, claim, [item.leg_id for item in items], trader_id)
    if locked is None:
        return Answered(await idempotency.stored(conn, claim))
    legs = [r.leg for r in locked.legs.values()]
    decided = check_fill_batch(legs, items, trader_id, now, prices=locked.prices)
    if isinstance(decided, FillRefused):
        response = answer(decided)
        await repo.save(conn, answer=(claim, response))
        return Answered(response, decided)
    outcomes: list[FillOutcome] = []
    booked: list[BookedFill] = []
    held: list[HeldFill] = []
    confirmed: list[EventMeta] = []
    for result in decided.results:
        if isinstance(result, FillRefused):
            outcomes.append(result)
            continue
        fill_id = f"fill_{uuid.uuid4().hex}"
        record = locked.legs[result.fill.leg_id]
        if isinstance(result, Held):
            assert result.check.tolerance is not None, "only a tolerance holds a fill"
            held.append(HeldFill(fill_id, result.fill, result.check.tolerance))
            left = replace(record, leg=result.leg, updated_at=locked.at)
            outcomes.append(FillHeld(fill_id, result, left))
            continue
        event = events.fill_confirmed(fill_id, result.fill, record.manufacturer_id)
        booked.append(BookedFill(fill_id, result.fill, event.event_id))
        confirmed.append(event)
        outcomes.append(FillBooked(fill_id, result.fill, _as_left(record, result, locked)))
    response = answer(outcomes)
    await repo.save(
        conn,
        legs=decided.updated_legs,
        fills=booked,
        held=held,
        events=confirmed,
        answer=(claim, response),
    )
    for outcome in outcomes:
        if isinstance(outcome, FillBooked):
            _log(outcome)
        elif isinstance(outcome, FillHeld):
            log.info(
                "fill_pending_approval",
                fill_id=outcome.fill_id,
                leg_id=outcome.held.fill.leg_id,
                deviation=str(outcome.held.check.deviation),
                tolerance=str(outcome.held.check.tolerance),
            )
    return Answered(response, outcomes)


def _one(outcome: BatchOutcome) -> FillOutcome:
    return outcome if isinstance(outcome, FillRefused) else outcome[0]


def _as_left(record: LegRecord, filled: Filled, locked: Locked) -> LegRecord:
    # ``save`` writes updated_at = now(), which is the transaction's time.
    return replace(record, leg=filled.leg, updated_at=locked.at)


def _log(booked: FillBooked) -> None:
    log.info(
        "fill_confirmed",
        fill_id=booked.fill_id,
        leg_id=booked.fill.leg_id,
        order_id=booked.fill.order_id,
        quantity=str(booked.fill.quantity),
        remaining=str(booked.leg.leg.remaining),
    )
