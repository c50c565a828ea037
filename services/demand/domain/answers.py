"""What a request id's stored answer becomes when a demand arrives under it, and what it says.

A key (manufacturer, request id) holds one stored answer. A demand under a key
not seen before is judged and stored; a resend of an accepted demand is answered
as before (a duplicate, nothing more procured) or, with other content, as a
conflict; a rejected request id may be sent again corrected and is judged as new.
Pure: the handler loads the stored answers, asks here, saves, and publishes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from services.demand.domain.reading import Submission
from services.demand.domain.values import (
    AcceptedDemand,
    DemandKey,
    Reason,
    RejectedDemand,
    classify_resend,
    order_id_for,
    plain_decimal,
)
from shared.contracts.demand import DemandKind

Status = Literal["accepted", "rejected"]
Channel = Literal["kafka", "http"]


@dataclass(frozen=True, slots=True)
class DemandRecord:
    """A stored answer to a (manufacturer, request id)."""

    manufacturer_id: str
    request_id: str
    status: Status
    order_id: str | None
    fingerprint: str | None
    demand: dict[str, str | None] | None  # as normalised on acceptance
    reasons: list[dict[str, str | None]]  # code, message, field
    kind: DemandKind | None
    channel: Channel
    # Set by the database; None on a record not yet saved.
    received_at: datetime | None = None
    updated_at: datetime | None = None
    attempts: int = 1

    @property
    def key(self) -> DemandKey:
        return DemandKey(self.manufacturer_id, self.request_id)


@dataclass(frozen=True, slots=True)
class Accepted:
    order_id: str
    demand: AcceptedDemand | None  # what to procure; None for a duplicate (nothing new)

    @property
    def duplicate(self) -> bool:
        """An earlier submission was accepted; nothing new is procured."""
        return self.demand is None


@dataclass(frozen=True, slots=True)
class Rejected:
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    order_id: str
    message: str


Outcome = Accepted | Rejected | Conflict


@dataclass(frozen=True, slots=True)
class Answer:
    outcome: Outcome
    record: DemandRecord | None
    """What the key holds afterwards; None when the ids break the rules (never stored)."""


def answer(
    stored: DemandRecord | None,
    submission: Submission,
    verdict: AcceptedDemand | RejectedDemand,
    channel: Channel,
) -> Answer:
    """The answer to ``submission`` (judged ``verdict``) given what its key holds now."""
    key = submission.key
    if key is None or not key.is_well_formed:
        assert isinstance(verdict, RejectedDemand), "ids that break the rules always reject"
        return Answer(Rejected(verdict.reasons), None)
    if stored is None:
        return _judged(key, verdict, submission, channel, attempts=1)
    if stored.status == "rejected":
        return _judged(key, verdict, submission, channel, attempts=stored.attempts + 1)
    assert stored.order_id is not None, "an accepted demand has an order"
    resent = replace(stored, attempts=stored.attempts + 1)
    fingerprint = submission.fingerprint
    # Content that cannot even be read is not what was accepted.
    kind = "conflict" if fingerprint is None else classify_resend(stored.fingerprint, fingerprint)
    if kind == "duplicate":
        # Even when judged otherwise now (its date passed since): the same demand, answered
        # as before.
        return Answer(Accepted(stored.order_id, None), resent)
    message = (
        f"request_id {stored.request_id!r} of {stored.manufacturer_id!r} was accepted as order"
        f" {stored.order_id} with different content; nothing more is procured under it."
        " Send a new demand under a new request_id."
    )
    return Answer(Conflict(stored.order_id, message), resent)


def _judged(
    key: DemandKey,
    verdict: AcceptedDemand | RejectedDemand,
    submission: Submission,
    channel: Channel,
    *,
    attempts: int,
) -> Answer:
    if isinstance(verdict, AcceptedDemand):
        order_id = order_id_for(key)
        price = verdict.max_unit_price
        record = DemandRecord(
            *key,
            status="accepted",
            order_id=order_id,
            fingerprint=verdict.fingerprint,
            demand={
                "mineral": verdict.mineral,
                "market": verdict.market,
                "quantity": str(plain_decimal(verdict.quantity)),
                "unit": verdict.unit.value,
                "deliver_by": verdict.deliver_by.isoformat(),
                "max_unit_price": None if price is None else str(plain_decimal(price)),
            },
            reasons=[],
            kind=submission.kind,
            channel=channel,
            attempts=attempts,
        )
        return Answer(Accepted(order_id, verdict), record)
    record = DemandRecord(
        *key,
        status="rejected",
        order_id=None,
        fingerprint=submission.fingerprint,
        demand=None,
        reasons=[reason.as_dict() for reason in verdict.reasons],
        kind=None if "kind" in submission.unreadable else submission.kind,
        channel=channel,
        attempts=attempts,
    )
    return Answer(Rejected(verdict.reasons), record)
