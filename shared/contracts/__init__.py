"""Event contracts: Vault's public API on Kafka. One registry from event type to payload."""

from __future__ import annotations

from shared.contracts.common import Contract, Quantity, UnitPrice
from shared.contracts.demand import (
    DemandAccepted,
    DemandConflict,
    DemandRejected,
    DemandSubmitted,
    ProcurementRequested,
    RejectionReason,
)
from shared.contracts.inventory import HoldingsUpdated, ReleasePerformed
from shared.contracts.sourcing import (
    FillRecorded,
    LegCancelled,
    LegRouted,
    OrderStatusChanged,
    PhaseSet,
    TraderRegistered,
)
from shared.contracts.trader import FillConfirmed, LegDeclined, OfferPublished, OfferWithdrawn

EVENT_TYPES: dict[str, type[Contract]] = {
    "demand.submitted": DemandSubmitted,
    "demand.accepted": DemandAccepted,
    "demand.rejected": DemandRejected,
    "demand.conflict": DemandConflict,
    "procurement.requested": ProcurementRequested,
    "leg.routed": LegRouted,
    "leg.cancelled": LegCancelled,
    "order.status_changed": OrderStatusChanged,
    "order.fill_recorded": FillRecorded,
    "program.phase_set": PhaseSet,
    "program.trader_registered": TraderRegistered,
    "fill.confirmed": FillConfirmed,
    "leg.declined": LegDeclined,
    "offer.published": OfferPublished,
    "offer.withdrawn": OfferWithdrawn,
    "holdings.updated": HoldingsUpdated,
    "release.performed": ReleasePerformed,
}

__all__ = [
    "EVENT_TYPES",
    "Contract",
    "DemandAccepted",
    "DemandConflict",
    "DemandRejected",
    "DemandSubmitted",
    "FillConfirmed",
    "FillRecorded",
    "HoldingsUpdated",
    "LegCancelled",
    "LegDeclined",
    "LegRouted",
    "OfferPublished",
    "OfferWithdrawn",
    "OrderStatusChanged",
    "PhaseSet",
    "ProcurementRequested",
    "Quantity",
    "RejectionReason",
    "ReleasePerformed",
    "TraderRegistered",
    "UnitPrice",
]
