from decimal import Decimal

from services.sourcing.domain import Exposure, allocate
from shared.contracts import Phase, Tier

from .builders import context, offer, policy, request, trader


def test_what_offers_do_not_cover_becomes_a_mandate_to_the_best_ranked_specialist() -> None:
    ctx = context(
        [offer("home", quantity="60", trader_id="first")],
        traders=[trader("second", rank=2), trader("first", rank=1)],
    )

    decision = allocate(request(quantity="100", limit_price="150"), ctx).decision

    assert [leg.quantity for leg in decision.offer_legs] == [Decimal(60)]
    (mandate,) = decision.mandate_legs
    assert mandate.trader_id == "first"
    assert mandate.quantity == Decimal(40)
    assert mandate.limit_price == Decimal(150)
    assert mandate.tier_preference == (Tier.DOMESTIC, Tier.ALLIED, Tier.OTHER)
    assert mandate.leg_id == "req-1.leg-2"
    assert decision.open_remainder is None
    assert decision.next_sequence == 3


def test_a_mandate_carries_the_origins_the_phase_excludes() -> None:
    tiers = policy(excluded={Phase.INITIAL_FILL: frozenset({"KP"})})
    ctx = context(traders=[trader("t")], tier_policy=tiers, phase=Phase.INITIAL_FILL)

    (mandate,) = allocate(request(limit_price="10"), ctx).decision.mandate_legs

    assert mandate.excluded_origins == frozenset({"KP"})
    assert mandate.tier_preference == ()


def test_with_no_specialist_for_the_market_the_remainder_stays_open_with_its_reason() -> None:
    ctx = context(
        [offer("lithium-only", trader_id="t", mineral="lithium")],
        traders=[trader("t", markets=["lithium"])],
    )

    decision = allocate(request(quantity="100", limit_price="150"), ctx).decision

    assert decision.open_remainder is not None
    assert decision.open_remainder.quantity == Decimal(100)
    assert decision.open_remainder.reason == (
        "no offer covers 100 t; no specialist registered for market cobalt"
    )


def test_an_inactive_specialist_is_never_mandated() -> None:
    ctx = context(traders=[trader("idle", active=False)])

    decision = allocate(request(limit_price="10"), ctx).decision

    assert decision.mandate_legs == ()
    assert decision.open_remainder is not None
    assert decision.open_remainder.reason.endswith("no active specialist for market cobalt")


def test_a_specialist_at_capacity_is_passed_for_the_next_in_rank() -> None:
    ctx = context(
        traders=[trader("full", rank=1, capacity="500"), trader("next", rank=2)],
        exposures={"full": Exposure(open_quantity=Decimal(500), open_value=Decimal(0))},
    )

    decision = allocate(request(quantity="100", limit_price="10"), ctx).decision

    assert [m.trader_id for m in decision.mandate_legs] == ["next"]


def test_a_mandate_is_split_across_specialists_by_the_room_each_has() -> None:
    ctx = context(
        traders=[
            trader("small", rank=1, capacity="30"),
            trader("value-bound", rank=2, exposure_limit="500"),
            trader("last", rank=3),
        ]
    )

    decision = allocate(request(quantity="100", limit_price="20"), ctx).decision

    assert [(m.trader_id, m.quantity) for m in decision.mandate_legs] == [
        ("small", Decimal(30)),
        ("value-bound", Decimal(25)),
        ("last", Decimal(45)),
    ]
    assert [m.sequence for m in decision.mandate_legs] == [1, 2, 3]


def test_when_every_specialist_is_full_the_rest_stays_open() -> None:
    ctx = context(traders=[trader("small", capacity="30")])

    decision = allocate(request(quantity="100", limit_price="20"), ctx).decision

    assert decision.open_remainder is not None
    assert decision.open_remainder.quantity == Decimal(70)
    assert decision.open_remainder.reason == (
        "no offer covers 100 t; specialists for market cobalt at capacity or exposure limit"
    )


def test_without_a_limit_price_nothing_is_mandated_because_exposure_cannot_be_bounded() -> None:
    ctx = context(traders=[trader("t")])

    decision = allocate(request(quantity="100"), ctx).decision

    assert decision.mandate_legs == ()
    assert decision.open_remainder is not None
    assert "no limit price" in decision.open_remainder.reason


def test_offer_legs_use_up_their_traders_room_for_later_mandates() -> None:
    ctx = context(
        [offer("own", trader_id="t", quantity="80", price="10")],
        traders=[trader("t", capacity="100"), trader("backup", rank=2)],
    )

    allocation = allocate(request(quantity="150", limit_price="10"), ctx)

    assert [(m.trader_id, m.quantity) for m in allocation.decision.mandate_legs] == [
        ("t", Decimal(20)),
        ("backup", Decimal(50)),
    ]
    assert allocation.roster.exposure("t") == Exposure(
        open_quantity=Decimal(100), open_value=Decimal(1000)
    )
