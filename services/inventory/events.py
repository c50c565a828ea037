"""What inventory publishes, built from what the domain decided; sent through the outbox.

Topics, types and keys are the contracts' own (``shared.contracts.inventory``): a
release's replenishment goes to ``vault.inventory.replenishments``, which only
inventory writes; here each decision becomes its payloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from services.inventory.domain import Posting, ReleasePlan
from services.inventory.settings import NAME
from shared.contracts import (
    HoldingsUpdated,
    Quantity,
    ReleasePerformed,
    ReplenishmentRequested,
    UnitPrice,
)
from shared.contracts.inventory import LotDraw
from shared.envelope import Envelope, EventMeta, new_event


def holdings_updated(
    posting: Posting,
    *,
    cause: EventMeta | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> Envelope[HoldingsUpdated]:
    """One ledger movement and the balance it left, keyed by the order that bought the lot."""
    movement, key = posting.movement, posting.movement.key
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
        balance=posting.balance,
        order_id=posting.lot.order_id,
        fill_id=movement.fill_id,
        release_id=movement.release_id,
        transfer_id=movement.transfer_id,
        at=movement.at,
    )
    return new_event(
        payload,
        producer=NAME,
        cause=cause,
        correlation_id=correlation_id,
        causation_id=causation_id,
    )


def holdings_updates(
    postings: Sequence[Posting], *, cause: EventMeta | None = None
) -> list[Envelope[HoldingsUpdated]]:
    return [holdings_updated(posting, cause=cause) for posting in postings]


def of_release(plan: ReleasePlan) -> list[EventMeta]:
    """A release, what it drew and the demand it raised, in that order.

    Everything a release leads to is caused by its ``release.performed`` and shares
    its correlation id, so one grep shows them together.
    """
    performed = release_performed(plan)
    return [
        performed,
        *holdings_updates(plan.postings, cause=performed),
        new_event(replenishment_requested(plan), producer=NAME, cause=performed),
    ]


def release_performed(plan: ReleasePlan) -> Envelope[ReleasePerformed]:
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
        warehouse_id=plan.warehouse_id,
        draws=draws,
        deliver_by=plan.replenishment.deliver_by,
    )
    return new_event(payload, producer=NAME)


def replenishment_requested(plan: ReleasePlan) -> ReplenishmentRequested:
    """What was drawn goes back into the pipeline, to be bought domestic-first, at most at
    the limit the drawn lots' prices set."""
    demand = plan.replenishment
    limit = demand.limit_price
    return ReplenishmentRequested(
        release_id=plan.release_id,
        request_id=demand.demand_id,
        manufacturer_id=demand.manufacturer,
        mineral=demand.mineral,
        # Plain decimal text on the wire: 10, never 1E+1.
        quantity=Quantity(amount=Decimal(format(demand.quantity, "f")), unit=demand.unit.value),
        deliver_by=demand.deliver_by,
        limit_price=None if limit is None else UnitPrice(amount=limit, per=demand.unit.value),
        price_basis=demand.price_basis,
    )
