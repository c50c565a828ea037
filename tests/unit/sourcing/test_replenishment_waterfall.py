from decimal import Decimal

from services.sourcing.domain import Outcome, allocate
from shared.contracts import Phase, Tier

from .builders import context, offer, policy, request


def test_a_domestic_offer_within_the_premium_cap_beats_a_cheaper_allied_offer() -> None:
    ctx = context([offer("allied", origin="CA", price="100"), offer("home", price="120")])

    decision = allocate(request(quantity="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["home"]
    assert decision.winning_tier is Tier.DOMESTIC
    passed = decision.consideration("allied")
    assert passed.outcome is Outcome.PASSED_OVER
    assert passed.reason == "lower tier: domestic covers within cap"


def test_a_domestic_offer_priced_exactly_at_the_cap_is_still_preferred() -> None:
    ctx = context([offer("allied", origin="CA", price="100"), offer("home", price="125")])

    decision = allocate(request(quantity="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["home"]


def test_beyond_the_premium_cap_the_allied_offer_wins() -> None:
    ctx = context([offer("allied", origin="CA", price="100"), offer("home", price="132")])

    decision = allocate(request(quantity="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["allied"]
    assert decision.winning_tier is Tier.ALLIED
    home = decision.consideration("home")
    assert home.outcome is Outcome.PASSED_OVER
    assert home.reason == "beyond domestic premium cap (32% over best allied 100.00)"


def test_a_domestic_offer_beyond_the_cap_is_taken_after_allied_but_before_other_origins() -> None:
    ctx = context(
        [
            offer("allied", origin="CA", price="100", quantity="40"),
            offer("home", price="150", quantity="40"),
            offer("other", origin="CN", price="60", quantity="40"),
        ]
    )

    decision = allocate(request(quantity="100"), ctx).decision

    assert [(leg.offer_id, leg.quantity) for leg in decision.offer_legs] == [
        ("allied", Decimal(40)),
        ("home", Decimal(40)),
        ("other", Decimal(20)),
    ]
    assert decision.consideration("home").reason.startswith("beyond domestic premium cap (50%")


def test_a_domestic_offer_beyond_the_cap_of_the_best_allied_beats_a_dearer_allied_offer() -> None:
    # 130 is 30% over the cheapest allied (beyond a 25% cap) but cheaper than
    # the second allied offer, so it comes between the two.
    ctx = context(
        [
            offer("allied-cheap", origin="CA", price="100", quantity="10"),
            offer("allied-dear", origin="AU", price="140", quantity="100"),
            offer("home", price="130", quantity="100"),
        ]
    )

    decision = allocate(request(quantity="60"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["allied-cheap", "home"]
    assert decision.consideration("allied-dear").reason == "lower tier: domestic covers within cap"


def test_without_any_allied_offer_domestic_offers_are_not_capped() -> None:
    ctx = context([offer("home", price="900"), offer("other", origin="CN", price="50")])

    decision = allocate(request(quantity="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["home"]
    assert decision.domestic_price_cap is None
    assert decision.consideration("other").reason == "lower tier: domestic covers"


def test_other_origins_only_cover_what_domestic_and_allied_cannot() -> None:
    ctx = context(
        [
            offer("other", origin="CN", price="10", quantity="500"),
            offer("home", price="110", quantity="30"),
            offer("allied", origin="JP", price="100", quantity="30"),
        ]
    )

    decision = allocate(request(quantity="100"), ctx).decision

    assert [(leg.offer_id, leg.tier, leg.quantity) for leg in decision.offer_legs] == [
        ("home", Tier.DOMESTIC, Decimal(30)),
        ("allied", Tier.ALLIED, Decimal(30)),
        ("other", Tier.OTHER, Decimal(40)),
    ]
    assert decision.winning_tier is Tier.OTHER
    assert dict(decision.tier_quantities) == {
        Tier.DOMESTIC: Decimal(30),
        Tier.ALLIED: Decimal(30),
        Tier.OTHER: Decimal(40),
    }


def test_within_a_tier_the_cheapest_offer_goes_first_then_the_soonest() -> None:
    ctx = context(
        [
            offer("late-cheap", origin="CA", price="90", available_in_days=30, quantity="10"),
            offer("soon-cheap", origin="CA", price="90", available_in_days=5, quantity="10"),
            offer("soon-dear", origin="CA", price="95", available_in_days=1, quantity="10"),
        ]
    )

    decision = allocate(request(quantity="30"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == [
        "soon-cheap",
        "late-cheap",
        "soon-dear",
    ]


def test_a_zero_premium_cap_still_breaks_equal_prices_in_favour_of_domestic() -> None:
    ctx = context(
        [offer("allied", origin="CA", price="100"), offer("home", price="100")],
        tier_policy=policy(cap="0"),
    )

    decision = allocate(request(quantity="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["home"]


def test_the_decision_records_phase_policy_version_and_the_cap_it_applied() -> None:
    ctx = context([offer("allied", origin="CA", price="80"), offer("home", price="90")])

    decision = allocate(request(quantity="10"), ctx).decision

    assert decision.phase is Phase.REPLENISHMENT
    assert decision.policy_version == "2026-03-01"
    assert decision.best_allied_price == Decimal(80)
    assert decision.domestic_price_cap == Decimal(100)
    assert decision.consideration("home").rank == 1
    assert decision.consideration("home").quantity_taken == Decimal(10)
