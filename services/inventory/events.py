"""The events inventory emits, built from what the domain decided; sent through the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from services.inventory.domain import Lot, Movement, ReleasePlan
from services.inventory.settings import NAME
from shared import topics
from shared.contracts import DemandSubmitted, HoldingsUpdated, Quantity, ReleasePerformed
from shared.contracts.inventory import LotDraw
from shared.envelope import EventMeta, new_event

Outgoing = tuple[str, EventMeta]


def holdings_updated(
    movement: Movement,
    balance: Decimal,
    lot: Lot,
    *,
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> Outgoing:
    key = movement.key
    payload = HoldingsUpdated(
        movement_id=movement.movement_id,
        kind=movement.kind.value,
        mineral=key.mineral,
        warehouse_id=key.warehouse_id,
        lot_id=key.lot_id,
        owner=key.owner,
        origin_country=key.origin_country,
        tier=key.tier.value,
        delta=movement.quantity,
        unit=movement.unit.value,
        balance=balance,
        order_id=lot.order_id,
        fill_id=movement.fill_id,
        release_id=movement.release_id,
        transfer_id=movement.transfer_id,
        at=movement.at,
    )
    event = new_event(
        "holdings.updated",
        payload,
        key=lot.order_id,
        producer=NAME,
        correlation_id=correlation_id,
        causation_id=causation_id,
    )
    return topics.INVENTORY_HOLDINGS, event


def holdings_updates(
    movements: Sequence[Movement],
    balances: Sequence[Decimal],
    lots: dict[str, Lot],
    *,
    cause: EventMeta | None = None,
) -> list[Outgoing]:
    return [
        holdings_updated(
            movement,
            balance,
            lots[movement.lot_id],
            correlation_id=_correlation(cause),
            causation_id=_causation(cause),
        )
        for movement, balance in zip(movements, balances, strict=True)
    ]


# Events of one request (a release and all it leads to) share the first one's
# correlation id, so one grep shows them together.
def _correlation(cause: EventMeta | None) -> str | None:
    return None if cause is None else cause.correlation_id


def _causation(cause: EventMeta | None) -> str | None:
    return None if cause is None else str(cause.event_id)


def release_performed(plan: ReleasePlan, warehouse_id: str | None, deliver_by: date) -> Outgoing:
    draws = [
        LotDraw(lot_id=m.lot_id, warehouse_id=m.warehouse_id, quantity=-m.quantity)
        for m in plan.movements
    ]
    payload = ReleasePerformed(
        release_id=plan.release_id,
        manufacturer_id=plan.manufacturer,
        mineral=plan.mineral,
        quantity=Quantity(amount=plan.quantity, unit=plan.unit.value),
        lots=[draw.lot_id for draw in draws],
        replenishment_request_id=plan.replenishment.demand_id,
        warehouse_id=warehouse_id,
        draws=draws,
        deliver_by=deliver_by,
    )
    event = new_event("release.performed", payload, key=plan.release_id, producer=NAME)
    return topics.INVENTORY_RELEASES, event


def replenishment_demand(plan: ReleasePlan, deliver_by: date, *, cause: EventMeta) -> Outgoing:
    """What was drawn goes back into the pipeline as demand, to be bought domestic-first."""
    demand = plan.replenishment
    payload = DemandSubmitted(
        manufacturer_id=demand.manufacturer,
        request_id=demand.demand_id,
        mineral=demand.mineral,
        quantity=str(demand.quantity),
        unit=demand.unit.value,
        deliver_by=deliver_by.isoformat(),
        kind="replenishment",
    )
    event = new_event(
        "demand.submitted",
        payload,
        key=f"{demand.manufacturer}:{demand.demand_id}",
        producer=NAME,
        correlation_id=_correlation(cause),
        causation_id=_causation(cause),
    )
    return topics.DEMAND_INTAKE, event
