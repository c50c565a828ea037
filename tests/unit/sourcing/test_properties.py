from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.sourcing.domain import Offer, Outcome, allocate, cascade, is_excluded, tier_of
from shared.contracts import Phase, Tier

from .strategies import Scenario, scenarios

EXAMPLES = settings(max_examples=100, deadline=None)


def _eligible(offer: Offer, scenario: Scenario) -> bool:
    """An oracle written apart from the domain's screening, so the two check each other."""
    request, context = scenario.request, scenario.context
    trader = context.roster.trader(offer.trader_id)
    return (
        offer.mineral == request.mineral
        and context.book.remaining(offer.offer_id) > 0
        and trader is not None
        and trader.active
        and request.market in trader.markets
        and not is_excluded(context.policy, context.phase, offer.origin_country)
        and context.now <= offer.valid_until
        and offer.available_on <= request.deliver_by
        and (request.limit_price is None or offer.unit_price <= request.limit_price)
    )


@EXAMPLES
@given(scenarios())
def test_an_allocation_never_places_more_than_the_request_and_accounts_for_all_of_it(
    scenario: Scenario,
) -> None:
    decision = allocate(scenario.request, scenario.context).decision

    open_quantity = decision.open_remainder.quantity if decision.open_remainder else Decimal(0)
    assert decision.placed <= scenario.request.quantity
    assert decision.placed + open_quantity == scenario.request.quantity
    assert all(leg.quantity > 0 for leg in decision.legs)


@EXAMPLES
@given(scenarios())
def test_an_allocation_never_takes_more_of_an_offer_than_is_left(scenario: Scenario) -> None:
    before = scenario.context.book
    allocation = allocate(scenario.request, scenario.context)

    for leg in allocation.decision.offer_legs:
        assert leg.quantity <= before.remaining(leg.offer_id)
        assert allocation.book.remaining(leg.offer_id) == before.remaining(leg.offer_id) - (
            leg.quantity
        )
    assert len({leg.offer_id for leg in allocation.decision.offer_legs}) == len(
        allocation.decision.offer_legs
    )


@EXAMPLES
@given(scenarios())
def test_an_allocation_never_breaks_the_limit_price(scenario: Scenario) -> None:
    decision = allocate(scenario.request, scenario.context).decision
    limit = scenario.request.limit_price

    if limit is not None:
        assert all(leg.unit_price <= limit for leg in decision.offer_legs)
    assert all(m.limit_price == limit for m in decision.mandate_legs)


@EXAMPLES
@given(scenarios())
def test_only_eligible_offers_are_taken_and_mandates_stay_within_specialist_room(
    scenario: Scenario,
) -> None:
    allocation = allocate(scenario.request, scenario.context)
    context = scenario.context

    for leg in allocation.decision.offer_legs:
        assert _eligible(context.book.offer(leg.offer_id), scenario)
    for mandate in allocation.decision.mandate_legs:
        trader = context.roster.trader(mandate.trader_id)
        assert trader is not None
        assert trader.active
        assert scenario.request.market in trader.markets
        exposure = allocation.roster.exposure(trader.trader_id)
        assert exposure.open_quantity <= trader.capacity
        assert exposure.open_value <= trader.exposure_limit


@EXAMPLES
@given(scenarios(phase=Phase.REPLENISHMENT))
def test_replenishment_never_takes_a_lower_tier_while_a_higher_one_could_cover_within_cap(
    scenario: Scenario,
) -> None:
    allocation = allocate(scenario.request, scenario.context)
    context = scenario.context
    factor = 1 + context.policy.domestic_premium_cap
    still_available = [
        offer
        for offer in context.book
        if _eligible(offer, scenario) and allocation.book.remaining(offer.offer_id) > 0
    ]

    for leg in allocation.decision.offer_legs:
        for spare in still_available:
            spare_tier = tier_of(context.policy, spare.origin_country)
            if leg.tier is Tier.ALLIED:
                assert not (
                    spare_tier is Tier.DOMESTIC and spare.unit_price <= leg.unit_price * factor
                )
            if leg.tier is Tier.OTHER:
                assert spare_tier is Tier.OTHER


@EXAMPLES
@given(scenarios(phase=Phase.INITIAL_FILL))
def test_initial_fill_never_passes_over_a_sooner_or_cheaper_offer_for_a_later_one(
    scenario: Scenario,
) -> None:
    decision = allocate(scenario.request, scenario.context).decision
    taken = [c for c in decision.considerations if c.outcome is Outcome.TAKEN]
    passed = [c for c in decision.considerations if c.outcome is Outcome.PASSED_OVER]

    for item in taken:
        for other in passed:
            assert (item.available_on, item.unit_price, item.offer_id) < (
                other.available_on,
                other.unit_price,
                other.offer_id,
            )


@EXAMPLES
@given(scenarios())
def test_the_same_book_and_request_always_give_the_same_decision(scenario: Scenario) -> None:
    assert allocate(scenario.request, scenario.context) == allocate(
        scenario.request, scenario.context
    )


@EXAMPLES
@given(scenarios(), st.data())
def test_a_cascade_never_routes_more_than_is_left_nor_back_to_what_failed(
    scenario: Scenario, data: st.DataObject
) -> None:
    first = allocate(scenario.request, scenario.context)
    legs = first.decision.legs
    if not legs:
        return
    failed = data.draw(st.sampled_from(legs))
    remainder = data.draw(
        st.decimals(min_value=Decimal("0.001"), max_value=failed.quantity, places=3)
    )
    after = scenario.context.after(first)

    second = cascade(
        scenario.request, failed, remainder, after, first_sequence=first.decision.next_sequence
    )

    decision = second.decision
    open_quantity = decision.open_remainder.quantity if decision.open_remainder else Decimal(0)
    assert decision.placed <= remainder
    assert decision.placed + open_quantity == remainder
    for leg in decision.offer_legs:
        assert leg.offer_id != getattr(failed, "offer_id", None)
        assert leg.quantity <= after.book.remaining(leg.offer_id)
    if failed in first.decision.mandate_legs:
        assert all(m.trader_id != failed.trader_id for m in decision.mandate_legs)
    sequences = [leg.sequence for leg in decision.legs]
    assert all(s >= first.decision.next_sequence for s in sequences)
