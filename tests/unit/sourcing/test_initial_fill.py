from decimal import Decimal

from services.sourcing.domain import Outcome, allocate
from shared.contracts import Phase, Tier

from .builders import context, offer, request


def test_in_initial_fill_a_cheaper_non_allied_offer_wins() -> None:
    ctx = context(
        [offer("home", price="120"), offer("other", origin="CN", price="90")],
        phase=Phase.INITIAL_FILL,
    )

    decision = allocate(request(quantity="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["other"]
    assert decision.winning_tier is Tier.OTHER
    assert decision.consideration("home").reason == "request covered by sooner or cheaper offers"


def test_in_initial_fill_a_sooner_offer_wins_even_when_dearer() -> None:
    ctx = context(
        [
            offer("cheap-late", origin="CA", price="80", available_in_days=40),
            offer("dear-soon", origin="CN", price="150", available_in_days=3),
        ],
        phase=Phase.INITIAL_FILL,
    )

    decision = allocate(request(quantity="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["dear-soon"]


def test_in_initial_fill_equal_offers_are_split_by_offer_id_for_a_repeatable_decision() -> None:
    ctx = context(
        [offer("b", quantity="60"), offer("a", quantity="60")],
        phase=Phase.INITIAL_FILL,
    )

    decision = allocate(request(quantity="100"), ctx).decision

    assert [(leg.offer_id, leg.quantity) for leg in decision.offer_legs] == [
        ("a", Decimal(60)),
        ("b", Decimal(40)),
    ]
    assert decision.best_allied_price is None


def test_in_initial_fill_the_limit_price_still_applies() -> None:
    ctx = context(
        [offer("soon-dear", price="150", available_in_days=1), offer("late", price="90")],
        phase=Phase.INITIAL_FILL,
    )

    decision = allocate(request(quantity="100", limit_price="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["late"]
    assert decision.consideration("soon-dear").outcome is Outcome.INELIGIBLE
