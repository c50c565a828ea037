"""The one use case, for Kafka and HTTP alike: a manufacturer submits a demand.

Load the key's stored answer, ask the domain, save, enqueue the events: all in
the caller's transaction, so the answer and what it publishes commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import structlog

from services.demand import events, repository
from services.demand.domain import (
    AcceptedDemand,
    DemandKey,
    Reason,
    RejectedDemand,
    classify_resend,
    is_well_formed_id,
    order_id_for,
    validate_demand,
)
from services.demand.reading import Submission
from services.demand.repository import Channel, DemandRecord
from shared import outbox
from shared.catalogue import load_catalogue
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Accepted:
    order_id: str
    duplicate: bool = False  # an earlier submission was accepted; nothing new is procured


@dataclass(frozen=True, slots=True)
class Rejected:
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    order_id: str
    message: str


Outcome = Accepted | Rejected | Conflict


async def submit_demand(
    conn: Connection,
    submission: Submission,
    channel: Channel,
    today: date,
    *,
    correlation_id: str | None = None,
) -> Outcome:
    """Answer one demand: accepted (new or duplicate), rejected with every reason, or conflict.

    Submissions of one (manufacturer, request id) serialise on its row: the first
    insert wins and the others wait for it, then lock the row and are answered
    as resends. A rejected request id may be sent again corrected: that counts
    as new. Must run inside a transaction (``conn.transaction()`` or the inbox's).
    """
    verdict = validate_demand(submission.demand, load_catalogue(), today, submission.unreadable)
    key = submission.key
    if key is None:
        # No ids to address an answer to: only an HTTP caller, answered directly, hears it.
        return Rejected(_reasons(verdict))
    if not (is_well_formed_id(key.manufacturer_id) and is_well_formed_id(key.request_id)):
        # Answered but not stored: there is no well-formed key to store it under.
        return await _reject(conn, key, _reasons(verdict), correlation_id)
    if await repository.insert_if_new(conn, _record(key, verdict, submission, channel)):
        return await _answer_new(conn, key, verdict, submission, correlation_id)
    stored = await repository.lock(conn, key)
    assert stored is not None, "the insert waited for the row it conflicted with"
    if stored.status == "rejected":
        await repository.replace_rejected(conn, _record(key, verdict, submission, channel))
        return await _answer_new(conn, key, verdict, submission, correlation_id)
    await repository.count_resend(conn, key)
    return await _answer_resend(conn, stored, submission, correlation_id)


async def _answer_new(
    conn: Connection,
    key: DemandKey,
    verdict: AcceptedDemand | RejectedDemand,
    submission: Submission,
    correlation_id: str | None,
) -> Outcome:
    if isinstance(verdict, RejectedDemand):
        return await _reject(conn, key, verdict.reasons, correlation_id)
    order_id = order_id_for(key)
    await outbox.enqueue(
        conn,
        [
            events.accepted(key, order_id, duplicate=False, correlation_id=correlation_id),
            events.procurement_requested(
                verdict, order_id, submission.kind, correlation_id=correlation_id
            ),
        ],
    )
    log.info(
        "demand_accepted",
        order_id=order_id,
        manufacturer_id=key.manufacturer_id,
        request_id=key.request_id,
        mineral=verdict.mineral,
        quantity=str(verdict.quantity),
        unit=verdict.unit.value,
        kind=submission.kind,
    )
    return Accepted(order_id)


async def _answer_resend(
    conn: Connection, stored: DemandRecord, submission: Submission, correlation_id: str | None
) -> Outcome:
    assert stored.order_id is not None, "an accepted demand has an order"
    fingerprint = submission.fingerprint
    # Content that cannot even be read is not what was accepted.
    resend = "conflict" if fingerprint is None else classify_resend(stored.fingerprint, fingerprint)
    if resend == "duplicate":
        await outbox.enqueue(
            conn,
            [
                events.accepted(
                    stored.key, stored.order_id, duplicate=True, correlation_id=correlation_id
                )
            ],
        )
        log.info("demand_resent", order_id=stored.order_id, request_id=stored.request_id)
        return Accepted(stored.order_id, duplicate=True)
    message = (
        f"request_id {stored.request_id!r} of {stored.manufacturer_id!r} was accepted as order"
        f" {stored.order_id} with different content; nothing more is procured under it."
        " Send a new demand under a new request_id."
    )
    await outbox.enqueue(
        conn, [events.conflict(stored.key, stored.order_id, message, correlation_id=correlation_id)]
    )
    log.warning("demand_conflict", order_id=stored.order_id, request_id=stored.request_id)
    return Conflict(stored.order_id, message)


async def _reject(
    conn: Connection, key: DemandKey, reasons: tuple[Reason, ...], correlation_id: str | None
) -> Rejected:
    await outbox.enqueue(conn, [events.rejected(key, reasons, correlation_id=correlation_id)])
    log.info(
        "demand_rejected",
        manufacturer_id=key.manufacturer_id[:64],
        request_id=key.request_id[:64],
        codes=[reason.code.value for reason in reasons],
    )
    return Rejected(reasons)


def _reasons(verdict: AcceptedDemand | RejectedDemand) -> tuple[Reason, ...]:
    assert isinstance(verdict, RejectedDemand), "unreadable ids always reject"
    return verdict.reasons


def _record(
    key: DemandKey,
    verdict: AcceptedDemand | RejectedDemand,
    submission: Submission,
    channel: Channel,
) -> DemandRecord:
    if isinstance(verdict, AcceptedDemand):
        price = verdict.max_unit_price
        return DemandRecord(
            *key,
            status="accepted",
            order_id=order_id_for(key),
            fingerprint=verdict.fingerprint,
            demand={
                "mineral": verdict.mineral,
                "market": verdict.market,
                "quantity": str(events.plain(verdict.quantity)),
                "unit": verdict.unit.value,
                "deliver_by": verdict.deliver_by.isoformat(),
                "max_unit_price": None if price is None else str(events.plain(price)),
            },
            reasons=[],
            kind=submission.kind,
            channel=channel,
        )
    return DemandRecord(
        *key,
        status="rejected",
        order_id=None,
        fingerprint=submission.fingerprint,
        demand=None,
        reasons=[events.rejection_reason(r).model_dump() for r in verdict.reasons],
        kind=None if "kind" in submission.unreadable else submission.kind,
        channel=channel,
    )
