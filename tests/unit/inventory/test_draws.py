"""Issue 16: a draw under an agreement (domain/draws.py) reconciles with holdings and what it owes.

Whatever is held by whom, a draw judged by the shared rule takes exactly what the rule
allowed, own lots first; every lot ends at what it held less what was drawn from it; and
the replenishments it raises sum to the draw, each owner getting back what was drawn
from its lots.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.inventory.domain import LotBalance
from services.inventory.domain.draws import AgreementTerms, owed_back, plan_draw
from shared.participation_rules import DrawJudged, DrawRights, judge_draw
from tests.unit.inventory.builders import at, held_lot, make_fill

TERMS = AgreementTerms(version=2, set_price=Decimal(31000), replenish_within_days=30)


def lots(owner: str, quantities: list[Decimal], start: int) -> list[LotBalance]:
    return [
        held_lot(make_fill(f"{owner}-{i}", quantity=q, owner=owner, filled_at=at(start + i)))
        for i, q in enumerate(quantities)
    ]


def test_a_draw_beyond_its_own_share_takes_the_pool_oldest_first_and_owes_each_owner() -> None:
    own = lots("maker-a", [Decimal(4)], 10)
    others = [*lots("maker-b", [Decimal(10)], 0), *lots("maker-c", [Decimal(10)], 5)]
    judged = judge_draw(
        DrawRights(pool_share=Decimal("0.75"), disrupted=True), Decimal(4), Decimal(20), Decimal(16)
    )
    assert isinstance(judged, DrawJudged)
    plan = plan_draw(
        own,
        others,
        judged,
        TERMS,
        manufacturer="maker-a",
        mineral="cobalt",
        warehouse=None,
        release_id="r-1",
        at=at(20),
    )
    assert [(p.lot.owner, -p.movement.quantity) for p in plan.postings] == [
        ("maker-a", Decimal(4)),
        ("maker-b", Decimal(10)),
        ("maker-c", Decimal(2)),
    ]
    assert plan.replenishment.limit_price == Decimal(31000)
    assert plan.replenishment.deliver_by == date(2026, 2, 5)  # 30 days after the draw
    owed = owed_back(plan)
    assert [(o.owner, o.release_id, o.request_id, o.demand.quantity) for o in owed] == [
        ("maker-a", "r-1", "replenish-r-1", Decimal(4)),
        ("maker-b", "r-1@maker-a", "replenish-r-1@maker-a", Decimal(10)),
        ("maker-c", "r-1@maker-a", "replenish-r-1@maker-a", Decimal(2)),
    ]
    assert all(o.demand.limit_price == Decimal(31000) for o in owed)


quantities = st.lists(
    st.decimals(min_value="0.001", max_value=100, places=3, allow_nan=False),
    min_size=0,
    max_size=4,
)


@given(
    mine=quantities,
    theirs=st.lists(quantities, min_size=0, max_size=3),
    share=st.decimals(min_value=0, max_value=1, places=2),
    disrupted=st.booleans(),
    requested=st.decimals(min_value="0.001", max_value=500, places=3, allow_nan=False),
)
def test_holdings_draws_and_obligations_always_reconcile(
    mine: list[Decimal],
    theirs: list[list[Decimal]],
    share: Decimal,
    disrupted: bool,
    requested: Decimal,
) -> None:
    own = lots("maker-a", mine, 100)
    others = [lot for i, qs in enumerate(theirs) for lot in lots(f"maker-{i}", qs, i * 10)]
    held_own = sum(mine, Decimal(0))
    held_others = sum((q for qs in theirs for q in qs), Decimal(0))
    rights = DrawRights(pool_share=share, disrupted=disrupted)
    judged = judge_draw(rights, held_own, held_others, requested)
    if not isinstance(judged, DrawJudged):
        return
    plan = plan_draw(
        own,
        others,
        judged,
        TERMS,
        manufacturer="maker-a",
        mineral="cobalt",
        warehouse=None,
        release_id="r",
        at=at(200),
    )
    before = {h.lot.lot_id: h.quantity for h in [*own, *others]}
    drawn: dict[str, Decimal] = {}
    for p in plan.postings:
        drawn[p.lot.lot_id] = -p.movement.quantity
        # Each lot holds what it held less what was drawn, never below zero.
        assert p.balance == before[p.lot.lot_id] - drawn[p.lot.lot_id] >= 0
    assert sum(drawn.values(), Decimal(0)) == requested == plan.quantity
    from_pool = sum(
        (-p.movement.quantity for p in plan.postings if p.lot.owner != "maker-a"), Decimal(0)
    )
    assert from_pool == judged.from_pool <= held_others * share
    owed = owed_back(plan)
    assert sum((o.demand.quantity for o in owed), Decimal(0)) == requested
    for o in owed:
        assert o.demand.quantity == sum(
            (-p.movement.quantity for p in plan.postings if p.lot.owner == o.owner), Decimal(0)
        )
