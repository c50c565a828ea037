from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.trader_gateway.domain import (
    BatchFill,
    FillAccepted,
    FillBatchResult,
    Filled,
    FillRefused,
    Leg,
    apply_fill,
    check_fill,
    check_fill_batch,
    fill_leg,
)

from .builders import NOW, TRADER, a_leg, a_proposal

leg_quantities = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("5000"), places=6)
# Includes zero, negatives and amounts larger than any leg, so refusals are exercised too.
fill_quantities = st.decimals(min_value=Decimal("-10"), max_value=Decimal("6000"), places=6)
prices = st.decimals(min_value=Decimal("-1"), max_value=Decimal("100000"), places=6)


@given(quantity=leg_quantities, fills=st.lists(fill_quantities, max_size=30))
def test_accepted_fills_on_a_leg_never_sum_above_its_quantity(
    quantity: Decimal, fills: list[Decimal]
) -> None:
    leg = a_leg(quantity=quantity, limit_price=None)
    accepted_total = Decimal(0)
    for fill in fills:
        result = check_fill(leg, a_proposal(quantity=fill), TRADER, NOW)
        if isinstance(result, FillAccepted):
            accepted_total += result.quantity
            leg = apply_fill(leg, result)
        assert accepted_total <= quantity
        assert leg.filled_quantity == accepted_total


@given(
    quantities=st.lists(leg_quantities, min_size=1, max_size=3),
    items=st.lists(st.tuples(st.integers(0, 3), fill_quantities), min_size=1, max_size=40),
)
def test_a_batch_never_over_fills_any_leg(
    quantities: list[Decimal], items: list[tuple[int, Decimal]]
) -> None:
    legs = [
        a_leg(leg_id=f"leg-{i}", quantity=q, limit_price=None) for i, q in enumerate(quantities)
    ]
    batch = [BatchFill(f"leg-{i}", a_proposal(quantity=q)) for i, q in items]

    outcome = check_fill_batch(legs, batch, TRADER, NOW)

    assert isinstance(outcome, FillBatchResult)
    for leg in legs:
        accepted = sum((r.quantity for r in outcome.accepted if r.leg_id == leg.leg_id), Decimal(0))
        assert accepted <= leg.quantity
        updated = {u.leg_id: u for u in outcome.updated_legs}.get(leg.leg_id, leg)
        assert updated.filled_quantity == accepted


@given(items=st.lists(fill_quantities, min_size=1, max_size=20))
def test_a_batch_answers_as_the_same_fills_sent_one_by_one(items: list[Decimal]) -> None:
    leg: Leg = a_leg(limit_price=None)
    one_by_one: list[Filled | FillRefused] = []
    for quantity in items:
        result = fill_leg(leg, a_proposal(quantity=quantity), TRADER, NOW)
        if isinstance(result, Filled):
            leg = result.leg
        one_by_one.append(result)

    batch = [BatchFill(leg.leg_id, a_proposal(quantity=q)) for q in items]
    outcome = check_fill_batch([a_leg(limit_price=None)], batch, TRADER, NOW)

    assert isinstance(outcome, FillBatchResult)
    assert list(outcome.results) == one_by_one


@given(limit=st.none() | prices, price=prices, quantity=fill_quantities)
def test_check_fill_never_accepts_a_price_above_the_limit(
    limit: Decimal | None, price: Decimal, quantity: Decimal
) -> None:
    if limit is not None and limit <= 0:
        limit = None
    leg = a_leg(limit_price=limit)
    result = check_fill(leg, a_proposal(unit_price=price, quantity=quantity), TRADER, NOW)
    if isinstance(result, FillAccepted):
        assert result.unit_price > 0
        assert limit is None or result.unit_price <= limit


@given(quantity=leg_quantities, fills=st.lists(fill_quantities, max_size=30))
def test_filling_a_leg_is_checking_then_applying_the_fill(
    quantity: Decimal, fills: list[Decimal]
) -> None:
    leg = a_leg(quantity=quantity, limit_price=None)
    for fill in fills:
        proposal = a_proposal(quantity=fill)
        checked = check_fill(leg, proposal, TRADER, NOW)
        result = fill_leg(leg, proposal, TRADER, NOW)
        if isinstance(checked, FillAccepted):
            assert result == Filled(apply_fill(leg, checked), checked)
            assert isinstance(result, Filled)
            assert result.leg.remaining == checked.remaining_after
            leg = result.leg
        else:
            assert result == checked
