from dataclasses import replace
from decimal import Decimal

import pytest

from services.sourcing.domain import InvalidValue, allocate

from .builders import context, offer, offer_only, request


def test_an_open_remainder_is_placed_when_new_offers_arrive() -> None:
    req = request(quantity="100")
    # trader-b is registered but has published nothing yet.
    ctx = context(
        [offer("early", quantity="60")], traders=[offer_only("trader-a"), offer_only("trader-b")]
    )
    first = allocate(req, ctx)
    assert first.decision.open_remainder is not None
    open_quantity = first.decision.open_remainder.quantity
    assert open_quantity == Decimal(40)

    later = ctx.after(first)
    later = replace(
        later, book=later.book.with_offers([offer("new", quantity="500", trader_id="trader-b")])
    )
    retry = allocate(
        req,
        later,
        quantity=open_quantity,
        first_sequence=first.decision.next_sequence,
        exclusions=first.decision.exclusions,
    )

    assert [(leg.leg_id, leg.offer_id, leg.quantity) for leg in retry.decision.offer_legs] == [
        ("req-1.leg-2", "new", Decimal(40))
    ]
    assert retry.decision.open_remainder is None
    assert retry.decision.consideration("early").reason == "no quantity left in supply book"


def test_a_retry_with_nothing_new_leaves_the_same_remainder_open() -> None:
    req = request(quantity="100")
    ctx = context([offer("early", quantity="60")])
    first = allocate(req, ctx)

    retry = allocate(req, ctx.after(first), quantity=Decimal(40), first_sequence=2)

    assert retry.decision.offer_legs == ()
    assert retry.decision.open_remainder is not None
    assert retry.decision.open_remainder.quantity == Decimal(40)


def test_a_retry_cannot_place_more_than_the_request() -> None:
    with pytest.raises(InvalidValue, match="more than"):
        allocate(request(quantity="10"), context(), quantity=Decimal(11))
