from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from services.trader_gateway.domain import (
    FillAccepted,
    Filled,
    FillNotApplicable,
    FillRefused,
    LegStatus,
    RefusalCode,
    apply_fill,
    check_fill,
    fill_leg,
)
from shared.contracts import Unit

from .builders import NOW, OTHER_TRADER, TRADER, a_leg, a_proposal


def _refused(result: FillAccepted | Filled | FillRefused) -> FillRefused:
    assert isinstance(result, FillRefused), result
    return result


def test_a_fill_within_quantity_price_and_deadline_is_accepted() -> None:
    result = check_fill(a_leg(), a_proposal(), TRADER, NOW)

    assert result == FillAccepted(
        leg_id="leg-5d2e",
        order_id="order-a41c",
        trader_id=TRADER,
        mineral="cobalt",
        unit=a_leg().unit,
        quantity=Decimal("40"),
        unit_price=Decimal("32500.00"),
        origin_country="AU",
        warehouse_id="wh-rotterdam-3",
        lot_reference="LOT-2026-0042",
        filled_at=NOW - timedelta(minutes=5),
        remaining_after=Decimal("60"),
        leg_filled=Decimal("40"),
    )


def test_a_fill_of_exactly_what_is_left_at_exactly_the_limit_is_accepted() -> None:
    proposal = a_proposal(quantity=Decimal("100"), unit_price=Decimal("33000"))
    assert isinstance(check_fill(a_leg(), proposal, TRADER, NOW), FillAccepted)


def test_a_leg_without_a_limit_price_accepts_any_positive_price() -> None:
    proposal = a_proposal(unit_price=Decimal("999999"))
    assert isinstance(check_fill(a_leg(limit_price=None), proposal, TRADER, NOW), FillAccepted)


def test_the_mineral_is_matched_ignoring_case_and_the_leg_spelling_is_kept() -> None:
    result = check_fill(a_leg(), a_proposal(mineral="Cobalt"), TRADER, NOW)
    assert isinstance(result, FillAccepted)
    assert result.mineral == "cobalt"


def test_a_lower_case_origin_country_is_accepted_in_upper_case() -> None:
    result = check_fill(a_leg(), a_proposal(origin_country="au"), TRADER, NOW)
    assert isinstance(result, FillAccepted)
    assert result.origin_country == "AU"


def test_a_fill_on_another_traders_leg_looks_exactly_like_a_missing_leg() -> None:
    not_theirs = check_fill(a_leg(), a_proposal(), OTHER_TRADER, NOW)
    missing = check_fill(None, a_proposal(), TRADER, NOW)

    assert not_theirs == missing
    assert _refused(missing).code is RefusalCode.NOT_FOUND


@pytest.mark.parametrize("status", [LegStatus.DECLINED, LegStatus.EXPIRED, LegStatus.CANCELLED])
def test_a_fill_on_a_closed_leg_is_refused(status: LegStatus) -> None:
    refusal = _refused(check_fill(a_leg(status=status), a_proposal(), TRADER, NOW))
    assert refusal.code is RefusalCode.LEG_NOT_OPEN
    assert status.value in refusal.message


def test_a_fill_on_a_filled_leg_is_refused_as_not_open() -> None:
    leg = a_leg(filled_quantity=Decimal("100"), status=LegStatus.FILLED)
    assert _refused(check_fill(leg, a_proposal(), TRADER, NOW)).code is RefusalCode.LEG_NOT_OPEN


@pytest.mark.parametrize("quantity", [Decimal("0"), Decimal("-5"), Decimal("-0")])
def test_a_fill_of_zero_or_less_is_refused(quantity: Decimal) -> None:
    refusal = _refused(check_fill(a_leg(), a_proposal(quantity=quantity), TRADER, NOW))
    assert (refusal.code, refusal.field) == (RefusalCode.INVALID_QUANTITY, "quantity")


@pytest.mark.parametrize(
    "quantity", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("0.0000001"), 1.5]
)
def test_a_fill_quantity_that_is_not_a_plain_decimal_is_refused(quantity: object) -> None:
    refusal = _refused(check_fill(a_leg(), a_proposal(quantity=quantity), TRADER, NOW))
    assert refusal.code is RefusalCode.INVALID_QUANTITY


def test_a_fill_above_what_is_left_is_refused_saying_how_much_is_left() -> None:
    leg = a_leg(filled_quantity=Decimal("72.5"), status=LegStatus.PARTIALLY_FILLED)
    refusal = _refused(check_fill(leg, a_proposal(quantity=Decimal("30")), TRADER, NOW))

    assert refusal.code is RefusalCode.OVER_FILL
    assert "27.5 t left" in refusal.message
    assert ("remaining", "27.5") in refusal.extensions


def test_a_price_above_the_limit_is_refused() -> None:
    proposal = a_proposal(unit_price=Decimal("33000.01"))
    refusal = _refused(check_fill(a_leg(), proposal, TRADER, NOW))
    assert (refusal.code, refusal.field) == (RefusalCode.PRICE_ABOVE_LIMIT, "unit_price")


@pytest.mark.parametrize("price", [Decimal("0"), Decimal("-1"), Decimal("Infinity")])
def test_a_price_that_is_not_positive_and_finite_is_refused(price: Decimal) -> None:
    refusal = _refused(
        check_fill(a_leg(limit_price=None), a_proposal(unit_price=price), TRADER, NOW)
    )
    assert refusal.code is RefusalCode.INVALID_PRICE


def test_a_fill_of_another_mineral_is_refused() -> None:
    refusal = _refused(check_fill(a_leg(), a_proposal(mineral="nickel"), TRADER, NOW))
    assert refusal.code is RefusalCode.MINERAL_MISMATCH


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"unit": Unit.KILOGRAM}, "quantity.unit"), ({"price_per": Unit.KILOGRAM}, "unit_price.per")],
)
def test_a_fill_in_another_unit_than_the_leg_is_refused(
    changes: dict[str, Unit], field: str
) -> None:
    refusal = _refused(check_fill(a_leg(), a_proposal(**changes), TRADER, NOW))
    assert (refusal.code, refusal.field) == (RefusalCode.UNIT_MISMATCH, field)
    assert ("unit", "t") in refusal.extensions


def test_a_fill_dated_before_the_leg_was_routed_is_refused() -> None:
    leg = a_leg(routed_at=NOW - timedelta(hours=1))
    proposal = a_proposal(filled_at=NOW - timedelta(hours=1, minutes=3))
    refusal = _refused(check_fill(leg, proposal, TRADER, NOW))
    assert (refusal.code, refusal.field) == (RefusalCode.FILLED_AT_BEFORE_LEG, "filled_at")


def test_a_fill_dated_just_before_routing_within_clock_drift_is_accepted() -> None:
    leg = a_leg(routed_at=NOW - timedelta(hours=1))
    proposal = a_proposal(filled_at=NOW - timedelta(hours=1, minutes=1))
    assert isinstance(check_fill(leg, proposal, TRADER, NOW), FillAccepted)


def test_a_fill_sent_after_the_deadline_is_refused() -> None:
    leg = a_leg(deadline=NOW - timedelta(seconds=1))
    proposal = a_proposal(filled_at=NOW - timedelta(hours=1))
    assert _refused(check_fill(leg, proposal, TRADER, NOW)).code is RefusalCode.DEADLINE_PASSED


def test_a_fill_dated_after_the_deadline_is_refused_even_if_sent_before_it() -> None:
    leg = a_leg(deadline=NOW + timedelta(seconds=30))
    proposal = a_proposal(filled_at=NOW + timedelta(seconds=60))
    refusal = _refused(check_fill(leg, proposal, TRADER, NOW))
    assert (refusal.code, refusal.field) == (RefusalCode.DEADLINE_PASSED, "filled_at")


def test_a_fill_dated_slightly_ahead_of_our_clock_is_accepted() -> None:
    proposal = a_proposal(filled_at=NOW + timedelta(seconds=90))
    assert isinstance(check_fill(a_leg(), proposal, TRADER, NOW), FillAccepted)


def test_a_fill_dated_beyond_the_clock_skew_is_refused() -> None:
    proposal = a_proposal(filled_at=NOW + timedelta(minutes=3))
    refusal = _refused(check_fill(a_leg(), proposal, TRADER, NOW))
    assert refusal.code is RefusalCode.FILLED_AT_IN_FUTURE


def test_a_fill_time_without_a_timezone_is_refused() -> None:
    proposal = a_proposal(filled_at=datetime(2026, 3, 2, 11, 0))
    refusal = _refused(check_fill(a_leg(), proposal, TRADER, NOW))
    assert (refusal.code, refusal.field) == (RefusalCode.VALIDATION, "filled_at")


@pytest.mark.parametrize("country", ["AUS", "A", "", "1A", "ÄU", "U "])
def test_a_malformed_origin_country_is_refused(country: str) -> None:
    refusal = _refused(check_fill(a_leg(), a_proposal(origin_country=country), TRADER, NOW))
    assert refusal.code is RefusalCode.INVALID_ORIGIN_COUNTRY


@pytest.mark.parametrize(
    ("field", "value"),
    [("warehouse_id", ""), ("lot_reference", "x" * 129), ("lot_reference", "LOT\u202e1")],
)
def test_a_missing_or_unprintable_reference_is_refused(field: str, value: str) -> None:
    refusal = _refused(check_fill(a_leg(), a_proposal(**{field: value}), TRADER, NOW))
    assert (refusal.code, refusal.field) == (RefusalCode.VALIDATION, field)


def test_check_fill_insists_on_an_aware_clock() -> None:
    with pytest.raises(ValueError, match="time zone"):
        check_fill(a_leg(), a_proposal(), TRADER, datetime(2026, 3, 2))


def test_applying_a_partial_fill_leaves_the_leg_partially_filled() -> None:
    leg = a_leg()
    accepted = check_fill(leg, a_proposal(), TRADER, NOW)
    assert isinstance(accepted, FillAccepted)

    after = apply_fill(leg, accepted)

    assert (after.filled_quantity, after.status) == (Decimal("40"), LegStatus.PARTIALLY_FILLED)


def test_applying_the_last_fill_marks_the_leg_filled() -> None:
    leg = a_leg(filled_quantity=Decimal("60"), status=LegStatus.PARTIALLY_FILLED)
    accepted = check_fill(leg, a_proposal(), TRADER, NOW)
    assert isinstance(accepted, FillAccepted)

    after = apply_fill(leg, accepted)

    assert (after.remaining, after.status) == (Decimal("0"), LegStatus.FILLED)


def test_applying_a_fill_checked_against_a_stale_leg_raises() -> None:
    leg = a_leg()
    accepted = check_fill(leg, a_proposal(quantity=Decimal("70")), TRADER, NOW)
    assert isinstance(accepted, FillAccepted)
    moved_on = apply_fill(leg, accepted)

    with pytest.raises(FillNotApplicable):
        apply_fill(moved_on, accepted)


def test_applying_a_fill_to_another_leg_raises() -> None:
    accepted = check_fill(a_leg(), a_proposal(), TRADER, NOW)
    assert isinstance(accepted, FillAccepted)
    with pytest.raises(FillNotApplicable):
        apply_fill(a_leg(leg_id="leg-other"), accepted)


def test_applying_a_fill_to_a_cancelled_leg_raises() -> None:
    accepted = check_fill(a_leg(), a_proposal(), TRADER, NOW)
    assert isinstance(accepted, FillAccepted)
    with pytest.raises(FillNotApplicable):
        apply_fill(a_leg(status=LegStatus.CANCELLED), accepted)


def test_filling_a_leg_returns_the_leg_it_leaves_and_the_fill_to_confirm() -> None:
    leg = a_leg()
    result = fill_leg(leg, a_proposal(), TRADER, NOW)

    assert isinstance(result, Filled)
    assert result.fill == check_fill(leg, a_proposal(), TRADER, NOW)
    assert (result.leg.filled_quantity, result.leg.status) == (
        Decimal("40"),
        LegStatus.PARTIALLY_FILLED,
    )
    assert result.leg.remaining == result.fill.remaining_after
    assert leg.filled_quantity == 0  # the leg given is a value: unchanged


def test_filling_what_is_left_fills_the_leg() -> None:
    leg = a_leg(filled_quantity=Decimal("60"), status=LegStatus.PARTIALLY_FILLED)
    result = fill_leg(leg, a_proposal(), TRADER, NOW)
    assert isinstance(result, Filled)
    assert (result.leg.remaining, result.leg.status) == (Decimal("0"), LegStatus.FILLED)


def test_filling_no_leg_or_too_much_is_refused_and_changes_nothing() -> None:
    assert fill_leg(None, a_proposal(), TRADER, NOW) == check_fill(None, a_proposal(), TRADER, NOW)
    over = fill_leg(a_leg(), a_proposal(quantity=Decimal("100.000001")), TRADER, NOW)
    assert _refused(over).code is RefusalCode.OVER_FILL


def test_a_fill_on_an_offer_leg_must_come_from_the_offers_origin() -> None:
    offer_leg = a_leg(origin_country="CA")

    refusal = _refused(check_fill(offer_leg, a_proposal(origin_country="AU"), TRADER, NOW))

    assert (refusal.code, refusal.field) == (RefusalCode.ORIGIN_MISMATCH, "origin_country")
    assert dict(refusal.extensions) == {"origin_country": "CA"}
    assert isinstance(
        check_fill(offer_leg, a_proposal(origin_country="ca"), TRADER, NOW), FillAccepted
    )


def test_a_fill_from_an_origin_the_legs_phase_excludes_is_refused() -> None:
    mandate = a_leg(excluded_origins=frozenset({"RU", "BY"}))

    refusal = _refused(check_fill(mandate, a_proposal(origin_country="ru"), TRADER, NOW))

    assert (refusal.code, refusal.field) == (RefusalCode.ORIGIN_EXCLUDED, "origin_country")
    assert dict(refusal.extensions) == {"excluded_origins": "BY,RU"}
    assert isinstance(
        check_fill(mandate, a_proposal(origin_country="US"), TRADER, NOW), FillAccepted
    )


def test_the_accepted_fill_says_where_the_leg_stands_after_it() -> None:
    result = check_fill(
        a_leg(filled_quantity=Decimal(30), status=LegStatus.PARTIALLY_FILLED),
        a_proposal(),
        TRADER,
        NOW,
    )

    assert isinstance(result, FillAccepted)
    assert (result.leg_filled, result.remaining_after) == (Decimal(70), Decimal(30))
