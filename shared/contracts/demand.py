"""Contracts of demand intake: what manufacturers send, what they hear back, what sourcing gets."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from shared.contracts.common import Contract, Identifier, Quantity, UnitPrice

# Intake fields are loose text on purpose: the sender is outside the program, and a
# wrong value must come back as a published, readable reason, not vanish in a DLQ.
TEXT_MAX_LENGTH = 200
Text = Annotated[str, Field(max_length=TEXT_MAX_LENGTH)]
DemandKind = Literal["procurement", "replenishment"]


class DemandSubmitted(Contract):
    """``demand.submitted`` on ``vault.demand.intake``: a manufacturer asks for material."""

    manufacturer_id: Text
    request_id: Text = Field(description="the manufacturer's own id; resends reuse it")
    mineral: Text = Field(description="catalogue id, e.g. cobalt, lithium, neodymium")
    quantity: Text = Field(description="decimal text, in the mineral's catalogue unit")
    unit: Text = Field(description="t or kg, as the catalogue sets for the mineral")
    deliver_by: Text = Field(description="latest delivery date, ISO 8601 (YYYY-MM-DD)")
    max_unit_price: Text | None = Field(default=None, description="USD per unit, decimal text")
    kind: DemandKind = "procurement"


class DemandAccepted(Contract):
    """``demand.accepted``: the demand is valid and became procurement order ``order_id``."""

    manufacturer_id: str
    request_id: str
    order_id: Identifier
    duplicate: bool = Field(default=False, description="true when this answers a resend")


class RejectionReason(Contract):
    code: str = Field(description="stable, machine-readable, e.g. unknown_mineral, wrong_unit")
    message: str = Field(description="for people: what is wrong and what would be right")
    field: str | None = Field(default=None, description="the demand field at fault, e.g. quantity")


class DemandRejected(Contract):
    """``demand.rejected``: nothing was procured; every reason is listed."""

    manufacturer_id: str
    request_id: str
    reasons: list[RejectionReason]


class DemandConflict(Contract):
    """``demand.conflict``: a resend of a known request id with different content."""

    manufacturer_id: str
    request_id: str
    order_id: Identifier
    message: str


class ProcurementRequested(Contract):
    """``procurement.requested`` on ``vault.procurement.requested``, keyed by order id."""

    order_id: Identifier
    manufacturer_id: str
    request_id: str
    mineral: str
    market: str
    quantity: Quantity
    deliver_by: date
    limit_price: UnitPrice | None = None
    kind: DemandKind = "procurement"
