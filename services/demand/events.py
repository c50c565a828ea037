"""What demand publishes: the answer to the sender on the outcomes topic, orders for sourcing.

Topics, types and keys are the contracts' own (``shared.contracts.demand``); here
each answer becomes the payloads it says.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.demand.domain import (
    Accepted,
    AcceptedDemand,
    Conflict,
    DemandKey,
    Outcome,
    Reason,
    Rejected,
    plain_decimal,
)
from services.demand.domain.replenishments import ReplenishmentOrder
from services.demand.settings import NAME
from shared.contracts import Event
from shared.contracts.common import Quantity, UnitPrice
from shared.contracts.demand import (
    DemandAccepted,
    DemandConflict,
    DemandKind,
    DemandRejected,
    ProcurementRequested,
    RejectionReason,
)
from shared.envelope import Envelope, EventMeta, new_event


def of_outcome(
    key: DemandKey,
    outcome: Outcome,
    kind: DemandKind,
    *,
    cause: EventMeta | None,
    correlation_id: str | None,
) -> list[Envelope[Event]]:
    """The events an answer publishes, in order: the answer, then the order it starts."""
    payloads: list[Event]
    if isinstance(outcome, Accepted):
        payloads = [
            DemandAccepted(
                manufacturer_id=key.manufacturer_id,
                request_id=key.request_id,
                order_id=outcome.order_id,
                duplicate=outcome.duplicate,
            )
        ]
        if outcome.demand is not None:
            payloads.append(procurement_requested(outcome.demand, outcome.order_id, kind))
    elif isinstance(outcome, Rejected):
        payloads = [rejected(key, outcome.reasons)]
    else:
        assert isinstance(outcome, Conflict)
        payloads = [
            DemandConflict(
                manufacturer_id=key.manufacturer_id,
                request_id=key.request_id,
                order_id=outcome.order_id,
                message=outcome.message,
            )
        ]
    return [
        new_event(p, producer=NAME, cause=cause, correlation_id=correlation_id) for p in payloads
    ]


def rejected(key: DemandKey, reasons: Sequence[Reason]) -> DemandRejected:
    return DemandRejected(
        manufacturer_id=key.manufacturer_id,
        request_id=key.request_id,
        reasons=[rejection_reason(reason) for reason in reasons],
    )


def procurement_requested(
    demand: AcceptedDemand, order_id: str, kind: DemandKind
) -> ProcurementRequested:
    limit = demand.max_unit_price
    return ProcurementRequested(
        order_id=order_id,
        manufacturer_id=demand.manufacturer_id,
        request_id=demand.request_id,
        mineral=demand.mineral,
        market=demand.market,
        quantity=Quantity(amount=plain_decimal(demand.quantity), unit=demand.unit.value),
        deliver_by=demand.deliver_by,
        limit_price=None
        if limit is None
        else UnitPrice(amount=plain_decimal(limit), per=demand.unit.value),
        kind=kind,
    )


def rejection_reason(reason: Reason) -> RejectionReason:
    return RejectionReason(code=reason.code.value, message=reason.message, field=reason.field)


def replenishment_ordered(
    order: ReplenishmentOrder, *, cause: EventMeta
) -> Envelope[ProcurementRequested]:
    """A release bought back: a procurement order of kind replenishment, under its own id."""
    wanted = order.replenishment
    limit = wanted.limit_price
    payload = ProcurementRequested(
        order_id=order.order_id,
        manufacturer_id=wanted.manufacturer_id,
        request_id=wanted.request_id,
        mineral=wanted.mineral,
        market=order.market,
        quantity=Quantity(amount=plain_decimal(wanted.quantity), unit=wanted.unit),
        deliver_by=wanted.deliver_by,
        limit_price=None
        if limit is None
        else UnitPrice(amount=plain_decimal(limit), per=wanted.unit),
        kind="replenishment",
    )
    return new_event(payload, producer=NAME, cause=cause)
