"""What participation publishes; topics, types and keys are the contracts' own."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from services.participation.domain.commitments import Commitment
from services.participation.domain.pacing import Ask
from services.participation.settings import NAME
from shared.contracts.common import Quantity, UnitPrice
from shared.contracts.inventory import ReleasePerformed
from shared.contracts.participation import (
    AgreementSet,
    CommitmentDemanded,
    DisruptionDeclared,
    DisruptionEnded,
    MineralTerms,
    ObligationClosed,
    ObligationCreated,
)
from shared.envelope import Envelope, new_event

# Fixed for ever: ids derived from them are stored and published.
_OBLIGATION_NAMESPACE = uuid.UUID("5d1f0c52-43a6-4f0e-9a57-0f5c7a1c9e16")


def plain(value: Decimal) -> Decimal:
    return Decimal(format(value.normalize(), "f"))


def agreement_set(
    manufacturer_id: str,
    version: int,
    effective_from: date,
    terms: list[MineralTerms],
    *,
    set_by: str,
    set_at: datetime,
) -> Envelope[AgreementSet]:
    payload = AgreementSet(
        manufacturer_id=manufacturer_id,
        version=version,
        effective_from=effective_from,
        terms=terms,
        set_by=set_by,
        set_at=set_at,
    )
    return new_event(payload, producer=NAME)


def disruption_declared(
    disruption_id: str, mineral: str, reason: str, at: datetime
) -> Envelope[DisruptionDeclared]:
    payload = DisruptionDeclared(
        disruption_id=disruption_id, mineral=mineral, reason=reason, declared_at=at
    )
    return new_event(payload, producer=NAME)


def disruption_ended(disruption_id: str, mineral: str, at: datetime) -> Envelope[DisruptionEnded]:
    payload = DisruptionEnded(disruption_id=disruption_id, mineral=mineral, ended_at=at)
    return new_event(payload, producer=NAME)


def commitment_demanded(
    ask: Ask, commitment: Commitment, *, deliver_by: date, at: datetime
) -> CommitmentDemanded:
    return CommitmentDemanded(
        request_id=f"commit-{uuid.uuid4().hex[:24]}",
        manufacturer_id=ask.manufacturer_id,
        mineral=ask.mineral,
        quantity=Quantity(amount=plain(ask.quantity), unit=commitment.unit),
        limit_price=UnitPrice(amount=plain(commitment.set_price), per=commitment.unit),
        deliver_by=deliver_by,
        agreement_version=commitment.agreement_version,
        requested_at=at,
    )


def obligation_id(manufacturer_id: str, release_id: str) -> str:
    return str(uuid.uuid5(_OBLIGATION_NAMESPACE, f"{manufacturer_id}\x1f{release_id}"))


def obligation_created(
    release: ReleasePerformed, *, due_by: date, limit_price: Decimal | None
) -> ObligationCreated:
    unit = release.quantity.unit
    return ObligationCreated(
        obligation_id=obligation_id(release.manufacturer_id, release.release_id),
        manufacturer_id=release.manufacturer_id,
        release_id=release.release_id,
        mineral=release.mineral,
        quantity=release.quantity,
        due_by=due_by,
        limit_price=None if limit_price is None else UnitPrice(amount=plain(limit_price), per=unit),
        replenishment_request_id=release.replenishment_request_id,
    )


def obligation_closed(
    *,
    obligation_id: str,
    manufacturer_id: str,
    release_id: str,
    order_id: str,
    received: Decimal,
    due_by: date,
    at: datetime,
) -> ObligationClosed:
    return ObligationClosed(
        obligation_id=obligation_id,
        manufacturer_id=manufacturer_id,
        release_id=release_id,
        order_id=order_id,
        received=plain(received),
        closed_at=at,
        overdue=at.date() > due_by,
    )
