"""A draw under an agreement: its own lots first, then (in a disruption) the pool's, and
what each owner drawn from is to get back.

The rights are judged by the one rule both inventory and participation use
(``shared.participation_rules.judge_draw``); here a judged draw becomes a release plan:
the manufacturer's own lots oldest first for ``from_own``, then the other participants'
lots oldest first for ``from_pool``. Its replenishment is due ``replenish_within_days``
after the draw, limited by the agreement's set price; what was drawn from another
participant's lots is bought back for that participant (their lots are restored), at the
drawer's set price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from services.inventory.domain.lots import LotBalance
from services.inventory.domain.releases import (
    ReleasePlan,
    ReleaseRequest,
    ReplenishmentDemand,
    _draw,
    replenished_plan,
    replenishment_due,
)
from shared.participation_rules import DrawJudged


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementTerms:
    version: int
    set_price: Decimal
    replenish_within_days: int


def _oldest_first(lots: Sequence[LotBalance], mineral: str) -> list[LotBalance]:
    return sorted(
        (held for held in lots if held.lot.mineral == mineral and held.quantity > 0),
        key=lambda held: (held.lot.received_at, held.lot.lot_id),
    )


def plan_draw(
    own: Sequence[LotBalance],
    others: Sequence[LotBalance],
    judged: DrawJudged,
    terms: AgreementTerms,
    *,
    manufacturer: str,
    mineral: str,
    warehouse: str | None,
    release_id: str,
    at: datetime,
) -> ReleasePlan:
    mine = _oldest_first([h for h in own if h.lot.owner == manufacturer], mineral)
    pool = _oldest_first([h for h in others if h.lot.owner != manufacturer], mineral)
    postings = [
        *(_draw(mine, judged.from_own, release_id, at) if judged.from_own > 0 else []),
        *(_draw(pool, judged.from_pool, release_id, at) if judged.from_pool > 0 else []),
    ]
    drawn = sum((-p.movement.quantity for p in postings), Decimal(0))
    quantity = judged.from_own + judged.from_pool
    if drawn != quantity:
        raise ValueError(f"release {release_id}: lots hold {drawn}, the rule allowed {quantity}")
    return replenished_plan(
        ReleaseRequest(
            release_id=release_id,
            manufacturer_id=manufacturer,
            mineral=mineral,
            quantity=quantity,
            warehouse_id=warehouse,
        ),
        tuple(postings),
        unit=postings[0].lot.unit,
        at=at,
        reason=f"replenish draw {release_id}",
        deliver_by=replenishment_due(at, terms.replenish_within_days),
        limit_price=terms.set_price,
        price_basis=f"the set price of {manufacturer}'s agreement v{terms.version}",
    )


@dataclass(frozen=True, slots=True)
class OwedBack:
    """One replenishment of a draw: for whom (whose lots it restores), how much, its ids."""

    owner: str
    release_id: str
    request_id: str
    demand: ReplenishmentDemand


def owed_back(plan: ReleasePlan) -> list[OwedBack]:
    """The replenishments a draw raises: the drawer's own lots under the release's own ids;
    each other owner's under ids of their own (``<release>@<drawer>``), so that they never
    meet that owner's own releases."""
    by_owner: dict[str, Decimal] = {}
    for posting in plan.postings:
        owner = posting.lot.owner
        by_owner[owner] = by_owner.get(owner, Decimal(0)) - posting.movement.quantity
    drawer = plan.manufacturer
    found = []
    for owner, quantity in sorted(by_owner.items(), key=lambda kv: (kv[0] != drawer, kv[0])):
        mine = owner == drawer
        release_id = plan.release_id if mine else f"{plan.release_id}@{drawer}"
        request_id = plan.replenishment.demand_id + ("" if mine else f"@{drawer}")
        demand = replace(
            plan.replenishment, demand_id=request_id, manufacturer=owner, quantity=quantity
        )
        found.append(OwedBack(owner, release_id, request_id, demand))
    return found
