from datetime import timedelta

import pytest

from services.sourcing.domain import Outcome, allocate
from shared.contracts import Phase

from .builders import DELIVER_BY, NOW, context, offer, policy, request, trader


def test_an_offer_from_a_country_excluded_in_the_phase_is_skipped() -> None:
    excluded = policy(excluded={Phase.REPLENISHMENT: frozenset({"CN"})})
    ctx = context(
        [offer("banned", origin="CN", price="10"), offer("allied", origin="CA")],
        tier_policy=excluded,
    )

    decision = allocate(request(quantity="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["allied"]
    banned = decision.consideration("banned")
    assert banned.outcome is Outcome.INELIGIBLE
    assert banned.reason.startswith("excluded origin in phase")


def test_a_country_excluded_only_in_replenishment_may_supply_the_initial_fill() -> None:
    excluded = policy(excluded={Phase.REPLENISHMENT: frozenset({"CN"})})
    ctx = context([offer("cn", origin="CN")], tier_policy=excluded, phase=Phase.INITIAL_FILL)

    decision = allocate(request(quantity="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["cn"]


def test_an_expired_offer_is_skipped() -> None:
    ctx = context([offer("stale", price="50", valid_for=timedelta(seconds=-1)), offer("fresh")])

    decision = allocate(request(quantity="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["fresh"]
    assert decision.consideration("stale").reason.startswith("expired")


def test_an_offer_is_still_valid_at_the_instant_it_is_valid_until() -> None:
    ctx = context([offer("edge", valid_for=timedelta(0))], now=NOW)

    decision = allocate(request(quantity="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["edge"]


def test_an_offer_for_another_mineral_is_not_even_considered() -> None:
    ctx = context([offer("li", mineral="lithium"), offer("co")])

    decision = allocate(request(quantity="100"), ctx).decision

    assert [c.offer_id for c in decision.considerations] == ["co"]


def test_an_offer_from_a_trader_not_registered_for_the_market_is_never_taken() -> None:
    ctx = context(
        [offer("stranger", trader_id="t-new", price="1"), offer("lithium-house", trader_id="t-li")],
        traders=[trader("t-li", markets=["lithium"]), trader("t-co", rank=2)],
    )

    decision = allocate(request(quantity="100"), ctx).decision

    assert decision.offer_legs == ()
    assert decision.consideration("stranger").reason == "trader not registered for market cobalt"
    assert decision.consideration("lithium-house").reason == (
        "trader not registered for market cobalt"
    )


def test_an_offer_above_the_limit_price_is_skipped() -> None:
    ctx = context([offer("dear", price="100.01"), offer("ok", origin="CA", price="100")])

    decision = allocate(request(quantity="100", limit_price="100"), ctx).decision

    assert [leg.offer_id for leg in decision.offer_legs] == ["ok"]
    assert decision.consideration("dear").reason == "above limit price (100.01 > 100.00)"


def test_an_offer_not_available_by_the_delivery_date_is_skipped() -> None:
    days_late = (DELIVER_BY - NOW.date()).days + 1
    ctx = context([offer("late", available_in_days=days_late)])

    decision = allocate(request(quantity="100"), ctx).decision

    assert decision.offer_legs == ()
    assert decision.consideration("late").reason.startswith("not available by deliver_by")


def test_an_offer_from_a_deactivated_trader_is_skipped() -> None:
    ctx = context([offer("idle", trader_id="t-off")], traders=[trader("t-off", active=False)])

    decision = allocate(request(quantity="100"), ctx).decision

    assert decision.consideration("idle").reason == "trader inactive"


@pytest.mark.parametrize(
    "country",
    ["us", "USA", "U1", ""],
)
def test_an_offer_with_a_malformed_origin_country_is_refused(country: str) -> None:
    with pytest.raises(ValueError, match="origin country"):
        offer("x", origin=country)
