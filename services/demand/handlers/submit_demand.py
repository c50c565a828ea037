"""The one use case, for Kafka and HTTP alike: manufacturers submit demands.

Load the keys' stored answers, ask the domain, save, enqueue the events: all in the
caller's transaction, so each answer and what it publishes commit together. A batch
from the intake and a single HTTP request go through the same function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import structlog

from services.demand import events
from services.demand.domain import (
    Accepted,
    Answer,
    Channel,
    Conflict,
    DemandKey,
    DemandRecord,
    Outcome,
    Rejected,
    Submission,
    answer,
    validate_demand,
)
from services.demand.repository import demands
from shared import outbox
from shared.catalogue import load_catalogue
from shared.consumer.retry import Contended
from shared.contracts import Event
from shared.db import Connection
from shared.envelope import Envelope, EventMeta

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Submitted:
    """A demand as it arrived: by an event (``cause``) or with a correlation id of its own."""

    submission: Submission
    channel: Channel
    cause: EventMeta | None = None
    correlation_id: str | None = None


async def submit_demands(
    conn: Connection, arrived: Sequence[Submitted], today: date
) -> list[Outcome]:
    """Answer each demand, in order: accepted (new or duplicate), rejected, or conflict.

    Submissions of one key serialise on its row: the first insert wins and any other
    writer waits for it. Within the batch, a later submission under a key is a resend
    of the earlier one. Must run inside a transaction.
    """
    catalogue = load_catalogue()
    verdicts = [
        validate_demand(
            a.submission.demand,
            catalogue,
            today,
            a.submission.unreadable,
            kind=a.submission.kind,
        )
        for a in arrived
    ]
    keys = [_storable(a.submission) for a in arrived]
    first: dict[DemandKey, int] = {}
    for i, key in enumerate(keys):
        if key is not None:
            first.setdefault(key, i)
    await demands.serialise(conn, list(first))
    fresh = {
        key: answer(None, arrived[i].submission, verdicts[i], arrived[i].channel)
        for key, i in first.items()
    }
    inserted = await demands.insert_new(
        conn, [made.record for made in fresh.values() if made.record is not None]
    )
    held = await demands.lock(conn, [key for key in first if key not in inserted])
    if len(inserted) + len(held) < len(first):
        raise Contended("a demand row appeared and vanished under a concurrent writer")
    answers: list[Answer] = []
    changed: dict[DemandKey, DemandRecord] = {}
    for i, (submitted, key) in enumerate(zip(arrived, keys, strict=True)):
        if key is not None and first[key] == i and key in inserted:
            made = fresh[key]
        else:
            stored = None if key is None else held[key]
            made = answer(stored, submitted.submission, verdicts[i], submitted.channel)
            if key is not None and made.record is not None:
                changed[key] = made.record
        if key is not None and made.record is not None:
            held[key] = made.record
        answers.append(made)
    await demands.save(conn, list(changed.values()))
    await outbox.enqueue(
        conn, [e for s, a in zip(arrived, answers, strict=True) for e in _events(s, a)]
    )
    for submitted, made in zip(arrived, answers, strict=True):
        _log(submitted.submission, made.outcome)
    return [made.outcome for made in answers]


def _storable(submission: Submission) -> DemandKey | None:
    key = submission.key
    return key if key is not None and key.is_well_formed else None


def _events(submitted: Submitted, made: Answer) -> list[Envelope[Event]]:
    key = submitted.submission.key
    if key is None:
        return []  # no ids to address an answer to: only an HTTP caller hears it, directly
    return events.of_outcome(
        key,
        made.outcome,
        submitted.submission.kind,
        cause=submitted.cause,
        correlation_id=submitted.correlation_id,
    )


def _log(submission: Submission, outcome: Outcome) -> None:
    key = submission.key
    ids = (
        {}
        if key is None
        else {
            "manufacturer_id": key.manufacturer_id[:64],
            "request_id": key.request_id[:64],
        }
    )
    if isinstance(outcome, Accepted) and outcome.demand is not None:
        demand = outcome.demand
        log.info(
            "demand_accepted",
            order_id=outcome.order_id,
            mineral=demand.mineral,
            quantity=str(demand.quantity),
            unit=demand.unit.value,
            kind=submission.kind,
            **ids,
        )
    elif isinstance(outcome, Accepted):
        log.info("demand_resent", order_id=outcome.order_id, **ids)
    elif isinstance(outcome, Conflict):
        log.warning("demand_conflict", order_id=outcome.order_id, **ids)
    else:
        assert isinstance(outcome, Rejected)
        log.info("demand_rejected", codes=[r.code.value for r in outcome.reasons], **ids)
