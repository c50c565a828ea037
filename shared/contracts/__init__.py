"""Event contracts: Vault's public API on Kafka.

Each event payload class states its type, topic, version and partition key
(``shared.contracts.common.Event``); the registry below is read by ``new_event``,
the outbox, the consumers (to parse what a topic carries) and the AsyncAPI documents.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared import topics
from shared.contracts.access import CredentialIssued, CredentialRevoked
from shared.contracts.common import (
    Contract,
    Event,
    NaiveDatetime,
    Phase,
    Quantity,
    Tier,
    Unit,
    UnitPrice,
    require_aware,
)
from shared.contracts.demand import (
    DemandAccepted,
    DemandConflict,
    DemandRejected,
    DemandSubmitted,
    ProcurementRequested,
    RejectionReason,
)
from shared.contracts.inventory import HoldingsUpdated, ReleasePerformed, ReplenishmentRequested
from shared.contracts.participation import (
    AgreementSet,
    CommitmentDemanded,
    DisruptionDeclared,
    DisruptionEnded,
    ObligationClosed,
    ObligationCreated,
)
from shared.contracts.sourcing import (
    FillRecorded,
    LegCancelRequested,
    LegRouted,
    OrderStatusChanged,
    PhaseSet,
    TraderRegistered,
)
from shared.contracts.trader import (
    ClosingReason,
    FillConfirmed,
    LegClosed,
    OfferPublished,
    OfferWithdrawn,
)
from shared.contracts.treasury import (
    AnnualCeilingSet,
    FundingSourceSet,
    PriceToleranceSet,
    ReferencePriceReported,
    ReferencePriceSet,
)

EVENTS: tuple[type[Event], ...] = (
    CredentialIssued,
    CredentialRevoked,
    DemandSubmitted,
    DemandAccepted,
    DemandRejected,
    DemandConflict,
    ProcurementRequested,
    LegRouted,
    LegCancelRequested,
    OrderStatusChanged,
    FillRecorded,
    PhaseSet,
    TraderRegistered,
    FillConfirmed,
    LegClosed,
    OfferPublished,
    OfferWithdrawn,
    HoldingsUpdated,
    ReleasePerformed,
    ReplenishmentRequested,
    AgreementSet,
    DisruptionDeclared,
    DisruptionEnded,
    CommitmentDemanded,
    ObligationCreated,
    ObligationClosed,
    # treasury (issue 17)
    ReferencePriceReported,
    ReferencePriceSet,
    PriceToleranceSet,
    AnnualCeilingSet,
    FundingSourceSet,
)


def _by_type(events: tuple[type[Event], ...]) -> Mapping[str, type[Event]]:
    table: dict[str, type[Event]] = {}
    for event in events:
        if event.EVENT_TYPE in table:
            raise RuntimeError(f"event type {event.EVENT_TYPE} is declared twice")
        table[event.EVENT_TYPE] = event
    return table


EVENT_TYPES: Mapping[str, type[Event]] = _by_type(EVENTS)


def on_topic(topic: str) -> tuple[type[Event], ...]:
    """The event types that travel on ``topic``."""
    wanted = topics.contract_topic(topic)
    return tuple(event for event in EVENTS if wanted == event.TOPIC)


__all__ = [
    "EVENTS",
    "EVENT_TYPES",
    "AgreementSet",
    "AnnualCeilingSet",
    "ClosingReason",
    "CommitmentDemanded",
    "Contract",
    "CredentialIssued",
    "CredentialRevoked",
    "DemandAccepted",
    "DemandConflict",
    "DemandRejected",
    "DemandSubmitted",
    "DisruptionDeclared",
    "DisruptionEnded",
    "Event",
    "FillConfirmed",
    "FillRecorded",
    "FundingSourceSet",
    "HoldingsUpdated",
    "LegCancelRequested",
    "LegClosed",
    "LegRouted",
    "NaiveDatetime",
    "ObligationClosed",
    "ObligationCreated",
    "OfferPublished",
    "OfferWithdrawn",
    "OrderStatusChanged",
    "Phase",
    "PhaseSet",
    "PriceToleranceSet",
    "ProcurementRequested",
    "Quantity",
    "ReferencePriceReported",
    "ReferencePriceSet",
    "RejectionReason",
    "ReleasePerformed",
    "ReplenishmentRequested",
    "Tier",
    "TraderRegistered",
    "Unit",
    "UnitPrice",
    "on_topic",
    "require_aware",
]
