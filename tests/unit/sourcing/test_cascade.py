from decimal import Decimal

import pytest

from services.sourcing.domain import (
    Exposure,
    InvalidValue,
    Outcome,
    allocate,
    cascade,
)

from .builders import context, offer, request, trader


def test_a_partial_fill_cascades_the_rest_to_the_next_offer_down_the_waterfall() -> None:
    ctx = context(
        [
            offer("home", quantity="100", price="110"),
            offer("allied", origin="CA", quantity="100", price="100", trader_id="trader-b"),
        ]
    )
    first = allocate(request(quantity="100"), ctx)
    (leg,) = first.decision.offer_legs
    assert leg.offer_id == "home"

    # The trader filled 70 of 100; the other 30 goes on down the waterfall.
    second = cascade(
        request(quantity="100"),
        leg,
        Decimal(30),
        ctx.after(first),
        first_sequence=first.decision.next_sequence,
    )

    decision = second.decision
    assert [(x.offer_id, x.quantity) for x in decision.offer_legs] == [("allied", Decimal(30))]
    assert decision.offer_legs[0].leg_id == "req-1.leg-2"
    assert decision.cascaded_from == leg.leg_id
    assert decision.consideration("home").reason == "excluded after failed leg"
    assert second.book.remaining("allied") == Decimal(70)


def test_a_cascade_never_takes_what_earlier_legs_already_took_from_an_offer() -> None:
    ctx = context(
        [
            offer("big", quantity="100", price="100"),
            offer("small", quantity="50", price="105", trader_id="trader-b"),
            offer("spare", quantity="100", price="120", trader_id="trader-c"),
        ]
    )
    first = allocate(request(quantity="140"), ctx)
    rejected = first.decision.offer_legs[0]

    second = cascade(
        request(quantity="140"),
        rejected,
        rejected.quantity,
        ctx.after(first),
        first_sequence=first.decision.next_sequence,
    )

    assert [(x.offer_id, x.quantity) for x in second.decision.offer_legs] == [
        ("small", Decimal(10)),
        ("spare", Decimal(90)),
    ]


def test_a_rejected_mandate_goes_to_the_next_specialist_and_frees_the_first() -> None:
    ctx = context(traders=[trader("first", rank=1), trader("second", rank=2)])
    first = allocate(request(quantity="100", limit_price="10"), ctx)
    (mandate,) = first.decision.mandate_legs

    second = cascade(
        request(quantity="100", limit_price="10"),
        mandate,
        mandate.quantity,
        ctx.after(first),
        first_sequence=first.decision.next_sequence,
    )

    assert [(m.trader_id, m.quantity) for m in second.decision.mandate_legs] == [
        ("second", Decimal(100))
    ]
    assert second.roster.exposure("first") == Exposure(
        open_quantity=Decimal(0), open_value=Decimal(0)
    )
    assert second.decision.exclusions.specialist_ids == frozenset({"first"})


def test_exclusions_accumulate_so_a_second_failure_never_returns_to_the_first() -> None:
    ctx = context(traders=[trader("first", rank=1), trader("second", rank=2)])
    req = request(quantity="100", limit_price="10")
    first = allocate(req, ctx)
    second = cascade(
        req,
        first.decision.mandate_legs[0],
        Decimal(100),
        ctx.after(first),
        first_sequence=first.decision.next_sequence,
    )

    third = cascade(
        req,
        second.decision.mandate_legs[0],
        Decimal(100),
        ctx.after(first).after(second),
        first_sequence=second.decision.next_sequence,
        exclusions=second.decision.exclusions,
    )

    assert third.decision.mandate_legs == ()
    assert third.decision.open_remainder is not None
    assert third.decision.open_remainder.reason.endswith(
        "every specialist for market cobalt already failed"
    )


def test_a_cascade_refuses_a_remainder_larger_than_the_failed_leg() -> None:
    ctx = context([offer("home", quantity="50")])
    first = allocate(request(quantity="50"), ctx)

    with pytest.raises(InvalidValue, match="exceeds"):
        cascade(
            request(quantity="50"),
            first.decision.offer_legs[0],
            Decimal("50.5"),
            ctx.after(first),
            first_sequence=2,
        )


def test_a_cascade_refuses_a_leg_of_another_request() -> None:
    ctx = context([offer("home", quantity="50")])
    first = allocate(request(quantity="50"), ctx)

    with pytest.raises(InvalidValue, match="does not belong"):
        cascade(
            request(quantity="50", request_id="req-2"),
            first.decision.offer_legs[0],
            Decimal(1),
            ctx.after(first),
            first_sequence=2,
        )


def test_an_expired_unfilled_leg_cascades_its_whole_quantity() -> None:
    ctx = context(
        [offer("a", quantity="40", price="100"), offer("b", quantity="40", price="101")],
    )
    first = allocate(request(quantity="40"), ctx)
    leg = first.decision.offer_legs[0]

    second = cascade(request(quantity="40"), leg, leg.quantity, ctx.after(first), first_sequence=2)

    assert [x.offer_id for x in second.decision.offer_legs] == ["b"]
    assert second.decision.consideration("b").outcome is Outcome.TAKEN
