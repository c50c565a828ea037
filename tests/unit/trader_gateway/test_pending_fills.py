"""Fills against treasury's reference price: recorded on every fill, held beyond the
tolerance, and what a held fill does to its leg (approved, rejected, the leg closed)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.trader_gateway.domain import (
    BatchFill,
    DeclineRefused,
    Filled,
    FillRefused,
    Held,
    Leg,
    PriceBook,
    RefusalCode,
    approve_pending,
    cancel_leg,
    check_decline,
    check_fill_batch,
    decision_reason_problem,
    expire_leg,
    fill_or_hold,
    release_pending,
)
from shared.treasury_rules import PriceCheck, ReferencePrice, per_unit, price_check

from .builders import NOW, TRADER, a_leg, a_proposal

D = Decimal
REFERENCE = ReferencePrice("cobalt", "", date(2026, 3, 1), D(32000), "t", "LME")
BOOK = PriceBook.of([REFERENCE], {"cobalt": D("0.05")})  # 30400 .. 33600 within


def test_inside_the_tolerance_the_fill_is_filled_with_its_reference_and_deviation() -> None:
    result = fill_or_hold(a_leg(), a_proposal(unit_price=D(32800)), TRADER, NOW, BOOK)
    assert isinstance(result, Filled)
    assert result.fill.reference_price == D(32000)
    assert result.fill.deviation == D("0.025")
    assert result.leg.filled_quantity == D(40)


def test_beyond_the_tolerance_either_way_the_fill_is_held_not_filled() -> None:
    for price in (D(30000), D(33700)):
        result = fill_or_hold(
            a_leg(limit_price=None), a_proposal(unit_price=price), TRADER, NOW, BOOK
        )
        assert isinstance(result, Held), price
        assert result.leg.filled_quantity == 0
        assert result.leg.pending_quantity == D(40)
        assert result.leg.available == D(60)
        assert result.leg.remaining == D(100)


def test_without_a_reference_or_a_tolerance_there_is_no_hold() -> None:
    no_reference = PriceBook.of([], {"cobalt": D("0.05")})
    result = fill_or_hold(a_leg(), a_proposal(unit_price=D(20000)), TRADER, NOW, no_reference)
    assert isinstance(result, Filled)
    assert result.fill.reference_price is None
    no_tolerance = PriceBook.of([REFERENCE], {})
    recorded = fill_or_hold(a_leg(), a_proposal(unit_price=D(20000)), TRADER, NOW, no_tolerance)
    assert isinstance(recorded, Filled)
    assert recorded.fill.deviation == D("-0.375")  # recorded, never held


def test_a_reference_after_the_fills_day_is_not_in_force() -> None:
    later = replace(REFERENCE, effective_on=NOW.date() + timedelta(days=1))
    result = fill_or_hold(
        a_leg(), a_proposal(unit_price=D(10)), TRADER, NOW, PriceBook.of([later], {"cobalt": D(1)})
    )
    assert isinstance(result, Filled)
    assert result.fill.reference_price is None


def test_a_reference_per_tonne_checks_a_leg_in_kilograms() -> None:
    assert per_unit(D(32000), "t", "kg") == D(32)
    assert per_unit(D(32), "kg", "t") == D(32000)
    check = price_check(D(40), "kg", REFERENCE, D("0.05"))
    assert check == PriceCheck(D(32), D("0.25"), D("0.05"))
    assert check.needs_approval


def test_held_quantity_is_not_offered_to_another_fill_nor_to_a_decline() -> None:
    held = fill_or_hold(
        a_leg(limit_price=None), a_proposal(quantity=D(70), unit_price=D(40000)), TRADER, NOW, BOOK
    )
    assert isinstance(held, Held)
    over = fill_or_hold(held.leg, a_proposal(quantity=D(31)), TRADER, NOW, BOOK)
    assert isinstance(over, FillRefused)
    assert over.code is RefusalCode.OVER_FILL
    fits = fill_or_hold(held.leg, a_proposal(quantity=D(30)), TRADER, NOW, BOOK)
    assert isinstance(fits, Filled)
    refused = check_decline(fits.leg, TRADER, None, "no more")
    assert isinstance(refused, DeclineRefused)
    assert refused.code is RefusalCode.FILL_PENDING


def test_approval_fills_the_held_quantity_and_rejection_frees_it() -> None:
    held = fill_or_hold(a_leg(limit_price=None), a_proposal(unit_price=D(40000)), TRADER, NOW, BOOK)
    assert isinstance(held, Held)
    approved = approve_pending(held.leg, held.fill)
    assert approved.leg.filled_quantity == D(40)
    assert approved.leg.pending_quantity == 0
    assert (approved.fill.leg_filled, approved.fill.remaining_after) == (D(40), D(60))
    assert approved.fill.reference_price == D(32000)
    freed = release_pending(held.leg, held.fill.quantity)
    assert (freed.filled_quantity, freed.pending_quantity, freed.available) == (D(0), D(0), D(100))


def test_a_closing_leg_drops_what_its_pending_fills_held() -> None:
    held = fill_or_hold(a_leg(limit_price=None), a_proposal(unit_price=D(40000)), TRADER, NOW, BOOK)
    assert isinstance(held, Held)
    cancelled = cancel_leg(held.leg, "order closed", NOW)
    assert cancelled is not None
    assert cancelled.leg.pending_quantity == 0
    assert cancelled.closing.undone == D(100)
    expired = expire_leg(held.leg, held.leg.deadline + timedelta(seconds=1))
    assert expired is not None
    assert expired.leg.pending_quantity == 0


def test_a_decision_needs_a_printable_reason() -> None:
    assert decision_reason_problem("  ") is not None
    assert decision_reason_problem("a\x00b") is not None
    assert decision_reason_problem("market spike, checked with LME") is None


quantities = st.decimals(min_value=D("0.001"), max_value=D(200), places=3)
unit_prices = st.decimals(min_value=D(25000), max_value=D(40000), places=2)
# (item's leg, quantity, price, and what ops later do with it if held: approve or reject)
items = st.tuples(st.integers(0, 2), quantities, unit_prices, st.booleans())


@given(
    leg_quantities=st.lists(
        st.decimals(min_value=D(1), max_value=D(300), places=3), min_size=1, max_size=3
    ),
    batch=st.lists(items, min_size=1, max_size=30),
)
def test_confirmed_and_pending_never_exceed_the_leg(
    leg_quantities: list[Decimal], batch: list[tuple[int, Decimal, Decimal, bool]]
) -> None:
    legs = [
        a_leg(leg_id=f"leg-{i}", quantity=q, limit_price=None) for i, q in enumerate(leg_quantities)
    ]
    fills = [BatchFill(f"leg-{i}", a_proposal(quantity=q, unit_price=p)) for i, q, p, _ in batch]
    outcome = check_fill_batch(legs, fills, TRADER, NOW, prices=BOOK)
    assert not isinstance(outcome, FillRefused)
    working: dict[str, Leg] = {leg.leg_id: leg for leg in legs}
    working.update({leg.leg_id: leg for leg in outcome.updated_legs})
    for leg in working.values():
        assert leg.filled_quantity + leg.pending_quantity <= leg.quantity
    # Then ops decide every held fill, in order: still never beyond the leg.
    for (_, _, _, approve), result in zip(batch, outcome.results, strict=True):
        if not isinstance(result, Held):
            continue
        leg = working[result.fill.leg_id]
        if approve:
            working[leg.leg_id] = approve_pending(leg, result.fill).leg
        else:
            working[leg.leg_id] = release_pending(leg, result.fill.quantity)
        after = working[leg.leg_id]
        assert after.filled_quantity + after.pending_quantity <= after.quantity
    for original in legs:
        final = working[original.leg_id]
        assert final.pending_quantity == 0
        counted = D(0)
        for (_, _, _, approve), result in zip(batch, outcome.results, strict=True):
            if isinstance(result, FillRefused) or result.fill.leg_id != original.leg_id:
                continue
            if isinstance(result, Filled) or approve:
                counted += result.fill.quantity
        assert final.filled_quantity == counted <= original.quantity
