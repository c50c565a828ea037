"""What demand publishes: answers to the sender on the outcomes topic, orders for sourcing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal

from services.demand.domain import AcceptedDemand, DemandKey, Reason, is_well_formed_id
from shared import topics
from shared.contracts.common import Quantity, UnitPrice
from shared.contracts.demand import (
    DemandAccepted,
    DemandConflict,
    DemandKind,
    DemandRejected,
    ProcurementRequested,
    RejectionReason,
)
from shared.envelope import EventMeta, new_event

PRODUCER = "demand"

Outgoing = tuple[str, EventMeta]  # (topic, event), as the outbox takes them


def outcome_key(key: DemandKey) -> str:
    """Partition key of a request's answers, so that they reach the sender in order.

    Ids that break the rules may hold anything, NUL included, or be too long for
    an envelope key: they are hashed, which still keeps one request on one partition.
    """
    if is_well_formed_id(key.manufacturer_id) and is_well_formed_id(key.request_id):
        return f"{key.manufacturer_id}:{key.request_id}"
    text = f"{key.manufacturer_id}\n{key.request_id}"
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def plain(amount: Decimal) -> Decimal:
    """120.500 -> 120.5, 1E+2 -> 100: one spelling of each accepted amount downstream.

    Only for accepted amounts, which the domain bounds; a huge exponent would expand.
    """
    return Decimal(format(amount.normalize(), "f"))


def accepted(
    key: DemandKey, order_id: str, *, duplicate: bool, correlation_id: str | None
) -> Outgoing:
    payload = DemandAccepted(
        manufacturer_id=key.manufacturer_id,
        request_id=key.request_id,
        order_id=order_id,
        duplicate=duplicate,
    )
    return _outcome("demand.accepted", payload, key, correlation_id)


def rejected(key: DemandKey, reasons: Sequence[Reason], *, correlation_id: str | None) -> Outgoing:
    payload = DemandRejected(
        manufacturer_id=key.manufacturer_id,
        request_id=key.request_id,
        reasons=[rejection_reason(reason) for reason in reasons],
    )
    return _outcome("demand.rejected", payload, key, correlation_id)


def conflict(
    key: DemandKey, order_id: str, message: str, *, correlation_id: str | None
) -> Outgoing:
    payload = DemandConflict(
        manufacturer_id=key.manufacturer_id,
        request_id=key.request_id,
        order_id=order_id,
        message=message,
    )
    return _outcome("demand.conflict", payload, key, correlation_id)


def procurement_requested(
    demand: AcceptedDemand, order_id: str, kind: DemandKind, *, correlation_id: str | None
) -> Outgoing:
    limit = demand.max_unit_price
    payload = ProcurementRequested(
        order_id=order_id,
        manufacturer_id=demand.manufacturer_id,
        request_id=demand.request_id,
        mineral=demand.mineral,
        market=demand.market,
        quantity=Quantity(amount=plain(demand.quantity), unit=demand.unit.value),
        deliver_by=demand.deliver_by,
        limit_price=None
        if limit is None
        else UnitPrice(amount=plain(limit), per=demand.unit.value),
        kind=kind,
    )
    event = new_event(
        "procurement.requested",
        payload,
        key=order_id,
        producer=PRODUCER,
        correlation_id=correlation_id,
    )
    return topics.PROCUREMENT_REQUESTED, event


def rejection_reason(reason: Reason) -> RejectionReason:
    return RejectionReason(code=reason.code.value, message=reason.message, field=reason.field)


def _outcome(
    event_type: str,
    payload: DemandAccepted | DemandRejected | DemandConflict,
    key: DemandKey,
    correlation_id: str | None,
) -> Outgoing:
    event = new_event(
        event_type,
        payload,
        key=outcome_key(key),
        producer=PRODUCER,
        correlation_id=correlation_id,
    )
    return topics.DEMAND_OUTCOMES, event
