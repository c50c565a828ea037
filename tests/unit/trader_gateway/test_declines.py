from decimal import Decimal

import pytest

from services.trader_gateway.domain import (
    DeclineAccepted,
    Declined,
    DeclineNotApplicable,
    DeclineRefused,
    LegStatus,
    RefusalCode,
    apply_decline,
    check_decline,
    decline_leg,
)
from shared.contracts import Unit

from .builders import OTHER_TRADER, TRADER, a_leg

REASON = "no allied material available before the deadline"


def _refused(result: DeclineAccepted | Declined | DeclineRefused) -> DeclineRefused:
    assert isinstance(result, DeclineRefused), result
    return result


def test_declining_an_untouched_leg_declines_all_of_it() -> None:
    result = check_decline(a_leg(), TRADER, None, REASON)

    assert isinstance(result, DeclineAccepted)
    assert (result.declined_quantity, result.filled_quantity) == (Decimal("100"), Decimal("0"))
    assert result.reason == REASON


def test_declining_a_partly_filled_leg_declines_only_the_remainder() -> None:
    leg = a_leg(filled_quantity=Decimal("60"), status=LegStatus.PARTIALLY_FILLED)
    result = check_decline(leg, TRADER, Decimal("40"), REASON)

    assert isinstance(result, DeclineAccepted)
    assert (result.declined_quantity, result.filled_quantity) == (Decimal("40"), Decimal("60"))
    after = apply_decline(leg, result)
    assert (after.status, after.filled_quantity) == (LegStatus.DECLINED, Decimal("60"))


def test_a_stated_quantity_equal_in_value_but_not_in_spelling_is_accepted() -> None:
    assert isinstance(check_decline(a_leg(), TRADER, Decimal("100.000"), REASON), DeclineAccepted)


def test_a_stated_quantity_other_than_the_remainder_is_refused_saying_what_is_left() -> None:
    leg = a_leg(filled_quantity=Decimal("60"), status=LegStatus.PARTIALLY_FILLED)
    refusal = _refused(check_decline(leg, TRADER, Decimal("100"), REASON))

    assert refusal.code is RefusalCode.DECLINE_QUANTITY_MISMATCH
    assert ("remaining", "40") in refusal.extensions


@pytest.mark.parametrize("quantity", [Decimal("0"), Decimal("-1"), Decimal("NaN")])
def test_a_stated_quantity_that_is_not_positive_is_refused(quantity: Decimal) -> None:
    assert _refused(check_decline(a_leg(), TRADER, quantity, REASON)).code is (
        RefusalCode.INVALID_QUANTITY
    )


def test_declining_another_traders_leg_looks_like_a_missing_leg() -> None:
    not_theirs = check_decline(a_leg(), OTHER_TRADER, None, REASON)
    assert not_theirs == check_decline(None, TRADER, None, REASON)
    assert _refused(not_theirs).code is RefusalCode.NOT_FOUND


@pytest.mark.parametrize("status", [LegStatus.DECLINED, LegStatus.EXPIRED, LegStatus.CANCELLED])
def test_a_closed_leg_cannot_be_declined(status: LegStatus) -> None:
    refusal = _refused(check_decline(a_leg(status=status), TRADER, None, REASON))
    assert refusal.code is RefusalCode.LEG_NOT_OPEN


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501, "bad\x00byte", "hidden\u200bspace"])
def test_a_missing_overlong_or_unprintable_reason_is_refused(reason: str) -> None:
    refusal = _refused(check_decline(a_leg(), TRADER, None, reason))
    assert (refusal.code, refusal.field) == (RefusalCode.INVALID_REASON, "reason")


@pytest.mark.parametrize("reason", ["x", "x" * 500, "line one\nline two", "  padded  "])
def test_a_reason_of_one_to_five_hundred_characters_is_accepted_trimmed(reason: str) -> None:
    result = check_decline(a_leg(), TRADER, None, reason)
    assert isinstance(result, DeclineAccepted)
    assert result.reason == reason.strip()


def test_applying_a_decline_after_a_fill_landed_raises() -> None:
    accepted = check_decline(a_leg(), TRADER, None, REASON)
    assert isinstance(accepted, DeclineAccepted)
    moved_on = a_leg(filled_quantity=Decimal("10"), status=LegStatus.PARTIALLY_FILLED)

    with pytest.raises(DeclineNotApplicable):
        apply_decline(moved_on, accepted)


def test_declining_a_leg_returns_it_declined_with_what_sourcing_must_cascade() -> None:
    leg = a_leg(filled_quantity=Decimal("30"), status=LegStatus.PARTIALLY_FILLED)
    result = decline_leg(leg, TRADER, (Decimal("70"), Unit.TONNE), REASON)

    assert isinstance(result, Declined)
    assert result.decline == check_decline(leg, TRADER, Decimal("70"), REASON)
    assert (result.leg.status, result.leg.filled_quantity) == (LegStatus.DECLINED, Decimal("30"))


def test_a_stated_quantity_in_another_unit_than_the_leg_is_refused() -> None:
    refusal = _refused(decline_leg(a_leg(), TRADER, (Decimal("100"), Unit.KILOGRAM), REASON))
    assert (refusal.code, refusal.field) == (RefusalCode.UNIT_MISMATCH, "quantity.unit")
    assert ("unit", "t") in refusal.extensions


def test_the_remainder_is_checked_before_the_unit() -> None:
    refusal = _refused(decline_leg(a_leg(), TRADER, (Decimal("7"), Unit.KILOGRAM), REASON))
    assert refusal.code is RefusalCode.DECLINE_QUANTITY_MISMATCH


def test_declining_no_leg_is_refused_as_not_found() -> None:
    assert _refused(decline_leg(None, TRADER, None, REASON)).code is RefusalCode.NOT_FOUND
