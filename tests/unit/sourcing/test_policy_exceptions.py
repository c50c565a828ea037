"""Policy exceptions, each for its order only, named in the decision record: an approved
``over_premium_cap`` puts domestic offers before allied ones; ``excluded_origin`` opens one
origin the phase excludes (never a sanctioned one); ``non_primary_trader`` sends mandates to
a named trader first."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from services.sourcing.domain import OrderStatus, Situation, Trigger, place_open
from services.sourcing.domain.exceptions import (
    Approval,
    ExceptionKind,
    subject_problem,
    unapprovable_origin,
)
from shared.contracts import Phase

from .builders import NOW, offer, policy, trader
from .states import order, situation

APPROVAL = Approval(
    order_id="o-1",
    kind="over_premium_cap",
    reason="domestic supply chain resilience, board minute 14",
    approved_by="admin-1",
    approved_at=NOW,
)


def _market() -> Situation:
    # Domestic at 200 is 100% over the allied 100: beyond the 25% cap.
    return situation(
        [
            offer("home", origin="US", price="200", trader_id="trader-a"),
            offer("ally", origin="CA", price="100", trader_id="trader-b"),
        ]
    )


def test_without_an_approval_a_domestic_offer_beyond_the_cap_ranks_after_the_allied_one() -> None:
    placed = place_open(order(quantity="100"), _market(), Trigger.REQUESTED)
    assert [(x.offer_id, x.quantity) for x in placed.change.opened] == [("ally", Decimal(100))]
    assert "approvals" not in placed.change.decisions[0].record


def test_with_an_approval_the_domestic_offer_is_taken_and_the_record_names_it() -> None:
    market = replace(_market(), approvals={"o-1": (APPROVAL,)})
    placed = place_open(order(quantity="100"), market, Trigger.EXCEPTION_APPROVED)
    assert [(x.offer_id, x.quantity) for x in placed.change.opened] == [("home", Decimal(100))]
    record = placed.change.decisions[0].record
    assert record["trigger"] == "exception_approved"
    assert record["approvals"] == [
        {
            "kind": "over_premium_cap",
            "reason": "domestic supply chain resilience, board minute 14",
            "approved_by": "admin-1",
            "approved_at": NOW.isoformat(),
        }
    ]
    assert record["domestic_price_cap"] is None
    assert record["best_allied_price"] == "100"


def test_an_approval_is_for_its_order_only() -> None:
    market = replace(_market(), approvals={"o-1": (APPROVAL,)})
    placed = place_open(order("o-2", quantity="100"), market, Trigger.REQUESTED)
    assert [x.offer_id for x in placed.change.opened] == ["ally"]


def _approval(kind: ExceptionKind, subject: str, order_id: str = "o-1") -> Approval:
    return Approval(
        order_id=order_id,
        kind=kind,
        subject=subject,
        reason="board minute 15",
        approved_by="admin-1",
        approved_at=NOW,
    )


def _cn_excluded(*approvals: Approval) -> Situation:
    # Only a CN offer, and CN is excluded in replenishment.
    base = situation([offer("cn", origin="CN", price="90", trader_id="trader-c")])
    return replace(
        base,
        policy=policy(excluded={Phase.REPLENISHMENT: frozenset({"CN", "RU"})}),
        approvals={"o-1": approvals} if approvals else {},
    )


def test_without_an_approval_an_excluded_origin_is_never_bought() -> None:
    placed = place_open(order(quantity="50"), _cn_excluded(), Trigger.REQUESTED)
    assert placed.change.opened == ()
    assert placed.change.order.status is OrderStatus.WAITING


def test_an_approved_origin_is_bought_for_that_order_and_its_leg_takes_fills_of_it() -> None:
    market = _cn_excluded(_approval("excluded_origin", "CN"))
    placed = place_open(order(quantity="50"), market, Trigger.EXCEPTION_APPROVED)
    [leg] = placed.change.opened
    assert (leg.offer_id, leg.origin_country, leg.quantity) == ("cn", "CN", Decimal(50))
    # The gateway's fill check reads the leg's exclusions: CN is left out, RU is not.
    assert leg.excluded_origins == frozenset({"RU"})
    record = placed.change.decisions[0].record
    assert record["approvals"][0]["subject"] == "CN"
    other = place_open(order("o-2", quantity="50"), market, Trigger.REQUESTED)
    assert other.change.opened == ()


def test_an_approval_of_another_origin_does_not_open_this_one() -> None:
    market = _cn_excluded(_approval("excluded_origin", "RU"))
    assert place_open(order(quantity="50"), market, Trigger.REQUESTED).change.opened == ()


def _specialists(*approvals: Approval) -> Situation:
    base = situation(
        traders=[
            trader("first", rank=1),
            trader("second", rank=2),
            trader("outsider", rank=1, markets=("lithium",), capacity="30"),
            trader("resting", rank=1, markets=("lithium",), active=False),
        ]
    )
    return replace(base, approvals={"o-1": approvals} if approvals else {})


def _mandated(market: Situation) -> list[tuple[str, Decimal]]:
    placed = place_open(order(quantity="100", limit_price="50"), market, Trigger.REQUESTED)
    return [(leg.trader_id, leg.quantity) for leg in placed.change.opened]


def test_mandates_go_to_the_best_ranked_specialist_unless_another_is_approved() -> None:
    assert _mandated(_specialists()) == [("first", Decimal(100))]
    approved = _specialists(_approval("non_primary_trader", "second"))
    assert _mandated(approved) == [("second", Decimal(100))]


def test_an_approved_trader_outside_the_market_goes_first_within_its_own_limits() -> None:
    approved = _specialists(_approval("non_primary_trader", "outsider"))
    assert _mandated(approved) == [("outsider", Decimal(30)), ("first", Decimal(70))]


def test_an_approved_trader_that_is_inactive_or_unknown_changes_nothing() -> None:
    for subject in ("resting", "nobody"):
        approved = _specialists(_approval("non_primary_trader", subject))
        assert _mandated(approved) == [("first", Decimal(100))]


def test_each_kind_names_what_it_allows_or_nothing() -> None:
    assert subject_problem("over_premium_cap", "") is None
    assert subject_problem("over_premium_cap", "US") is not None
    assert subject_problem("excluded_origin", "RU") is None
    for bad in ("", "ru", "RUS", "R1", " RU"):
        assert subject_problem("excluded_origin", bad) is not None, bad
    assert subject_problem("non_primary_trader", "northstar-us") is None
    for bad in ("", "-x", "a b", "x" * 101):
        assert subject_problem("non_primary_trader", bad) is not None, bad
    assert subject_problem("something_else", "x") is not None


def test_an_origin_every_phase_excludes_cannot_be_approved() -> None:
    sanctions = policy(
        excluded={
            Phase.INITIAL_FILL: frozenset({"IR"}),
            Phase.REPLENISHMENT: frozenset({"IR", "RU"}),
        }
    )
    assert unapprovable_origin(sanctions, "RU") is None  # replenishment only: approvable
    assert unapprovable_origin(sanctions, "CN") is None
    refused = unapprovable_origin(sanctions, "IR")
    assert refused is not None
    assert "every phase" in refused
