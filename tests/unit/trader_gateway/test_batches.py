from decimal import Decimal

import pytest

from services.trader_gateway.domain import (
    MAX_BATCH_SIZE,
    BatchFill,
    FillBatchResult,
    Filled,
    FillRefused,
    LegStatus,
    RefusalCode,
    check_fill_batch,
)

from .builders import NOW, OTHER_TRADER, TRADER, a_leg, a_proposal


def _result(outcome: FillBatchResult | FillRefused) -> FillBatchResult:
    assert isinstance(outcome, FillBatchResult), outcome
    return outcome


def test_two_fills_that_together_exceed_the_leg_accept_only_the_first() -> None:
    items = [
        BatchFill("leg-5d2e", a_proposal(quantity=Decimal("70"))),
        BatchFill("leg-5d2e", a_proposal(quantity=Decimal("40"))),
    ]
    result = _result(check_fill_batch([a_leg()], items, TRADER, NOW))

    first, second = result.results
    assert isinstance(first, Filled)
    assert (first.leg.filled_quantity, first.leg.status) == (
        Decimal("70"),
        LegStatus.PARTIALLY_FILLED,
    )
    assert isinstance(second, FillRefused)
    assert second.code is RefusalCode.OVER_FILL
    assert ("remaining", "30") in second.extensions


def test_fills_that_add_up_to_the_leg_fill_it() -> None:
    items = [BatchFill("leg-5d2e", a_proposal(quantity=Decimal("50")))] * 2
    result = _result(check_fill_batch([a_leg()], items, TRADER, NOW))

    assert len(result.accepted) == 2
    (leg,) = result.updated_legs
    assert (leg.filled_quantity, leg.status) == (Decimal("100"), LegStatus.FILLED)


def test_a_fill_after_the_leg_is_filled_in_the_same_batch_is_refused_as_not_open() -> None:
    items = [BatchFill("leg-5d2e", a_proposal(quantity=Decimal("100")))] * 2
    result = _result(check_fill_batch([a_leg()], items, TRADER, NOW))
    refusal = result.results[1]
    assert isinstance(refusal, FillRefused)
    assert refusal.code is RefusalCode.LEG_NOT_OPEN


def test_a_refused_item_does_not_stop_the_items_after_it() -> None:
    legs = [a_leg(), a_leg(leg_id="leg-b"), a_leg(leg_id="leg-c", trader_id=OTHER_TRADER)]
    items = [
        BatchFill("leg-5d2e", a_proposal(unit_price=Decimal("40000"))),
        BatchFill("leg-missing", a_proposal()),
        BatchFill("leg-c", a_proposal()),
        BatchFill("leg-b", a_proposal()),
    ]
    result = _result(check_fill_batch(legs, items, TRADER, NOW))

    codes = [r.code if isinstance(r, FillRefused) else "accepted" for r in result.results]
    assert codes == [
        RefusalCode.PRICE_ABOVE_LIMIT,
        RefusalCode.NOT_FOUND,
        RefusalCode.NOT_FOUND,
        "accepted",
    ]
    assert [leg.leg_id for leg in result.updated_legs] == ["leg-b"]


def test_an_empty_batch_is_refused() -> None:
    outcome = check_fill_batch([a_leg()], [], TRADER, NOW)
    assert isinstance(outcome, FillRefused)
    assert outcome.code is RefusalCode.VALIDATION


def test_a_batch_over_the_size_cap_is_refused_whole() -> None:
    items = [BatchFill("leg-5d2e", a_proposal(quantity=Decimal("0.1")))] * (MAX_BATCH_SIZE + 1)
    outcome = check_fill_batch([a_leg()], items, TRADER, NOW)
    assert isinstance(outcome, FillRefused)
    assert outcome.code is RefusalCode.BATCH_TOO_LARGE


def test_the_same_leg_given_twice_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="twice"):
        check_fill_batch([a_leg(), a_leg()], [BatchFill("leg-5d2e", a_proposal())], TRADER, NOW)
