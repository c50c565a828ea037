"""Contracts of demand intake: what manufacturers send, what they hear back, what sourcing gets."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from shared import topics
from shared.contracts.common import Contract, Event, Identifier, Quantity, UnitPrice

# Intake fields are loose text on purpose: the sender is outside the program, and a
# wrong value must come back as a published, readable reason, not vanish in a DLQ.
TEXT_MAX_LENGTH = 200
Text = Annotated[str, Field(max_length=TEXT_MAX_LENGTH)]
DemandKind = Literal["procurement", "replenishment"]

# The id rules demand stores requests under; ids that break them may hold anything.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_key(manufacturer_id: str, request_id: str) -> str:
    """Partition key of a request and its answers, so that they reach the sender in order.

    Ids that break the rules may hold anything, NUL included, or be too long for an
    envelope key: they are hashed, which still keeps one request on one partition.
    """
    if WELL_FORMED_ID.fullmatch(manufacturer_id) and WELL_FORMED_ID.fullmatch(request_id):
        return f"{manufacturer_id}:{request_id}"
    text = f"{manufacturer_id}\n{request_id}"
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class _RequestAnswer(Event):
    """An answer to one (manufacturer, request id), on the outcomes topic."""

    TOPIC = topics.DEMAND_OUTCOMES

    manufacturer_id: str
    request_id: str

    def partition_key(self) -> str:
        return request_key(self.manufacturer_id, self.request_id)


class DemandSubmitted(Event):
    """``demand.submitted`` on ``vault.demand.intake``: a manufacturer asks for material."""

    EVENT_TYPE = "demand.submitted"
    TOPIC = topics.DEMAND_INTAKE

    manufacturer_id: Text
    request_id: Text = Field(description="the manufacturer's own id; resends reuse it")
    mineral: Text = Field(description="catalogue id, e.g. cobalt, lithium, neodymium")
    quantity: Text = Field(description="decimal text, in the mineral's catalogue unit")
    unit: Text = Field(description="t or kg, as the catalogue sets for the mineral")
    deliver_by: Text = Field(description="latest delivery date, ISO 8601 (YYYY-MM-DD)")
    max_unit_price: Text | None = Field(default=None, description="USD per unit, decimal text")
    kind: DemandKind = "procurement"

    def partition_key(self) -> str:
        return request_key(self.manufacturer_id, self.request_id)


class DemandAccepted(_RequestAnswer):
    """``demand.accepted``: the demand is valid and became procurement order ``order_id``."""

    EVENT_TYPE = "demand.accepted"

    order_id: Identifier
    duplicate: bool = Field(default=False, description="true when this answers a resend")


class RejectionReason(Contract):
    code: str = Field(description="stable, machine-readable, e.g. unknown_mineral, wrong_unit")
    message: str = Field(description="for people: what is wrong and what would be right")
    field: str | None = Field(default=None, description="the demand field at fault, e.g. quantity")


class DemandRejected(_RequestAnswer):
    """``demand.rejected``: nothing was procured; every reason is listed."""

    EVENT_TYPE = "demand.rejected"

    reasons: list[RejectionReason]


class DemandConflict(_RequestAnswer):
    """``demand.conflict``: a resend of a known request id with different content."""

    EVENT_TYPE = "demand.conflict"

    order_id: Identifier
    message: str


class ProcurementRequested(Event):
    """``procurement.requested`` on ``vault.procurement.requested``, keyed by order id."""

    EVENT_TYPE = "procurement.requested"
    TOPIC = topics.PROCUREMENT_REQUESTED

    order_id: Identifier
    manufacturer_id: str
    request_id: str
    mineral: str
    market: str
    quantity: Quantity
    deliver_by: date
    limit_price: UnitPrice | None = None
    kind: DemandKind = "procurement"

    def partition_key(self) -> str:
        return self.order_id
