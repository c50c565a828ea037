"""The stockpile at cost and at reference: the valuation equals the sum of its lots."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.treasury.domain.valuation import LotHolding, value

D = Decimal

lots = st.lists(
    st.builds(
        LotHolding,
        lot_id=st.uuids().map(str),
        mineral=st.sampled_from(["cobalt", "lithium", "gallium"]),
        warehouse_id=st.sampled_from(["wh-rtm", "wh-bal"]),
        quantity=st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False),
        unit=st.just("t"),
        unit_cost=st.one_of(
            st.none(), st.decimals(min_value=1, max_value=100_000, places=2, allow_nan=False)
        ),
    ),
    max_size=30,
)
REFERENCES = {"cobalt": D(33000), "lithium": D(11000)}


@given(lots=lots)
def test_valuation_equals_the_sum_of_the_lots(lots: list[LotHolding]) -> None:
    rows = value(lots, REFERENCES.get)
    assert sum((r.at_cost for r in rows), D(0)) == sum(
        (lot.quantity * (lot.unit_cost or 0) for lot in lots), D(0)
    )
    assert sum((r.quantity for r in rows), D(0)) == sum((lot.quantity for lot in lots), D(0))
    for row in rows:
        held = [
            lot
            for lot in lots
            if (lot.mineral, lot.warehouse_id) == (row.mineral, row.warehouse_id)
        ]
        price = REFERENCES.get(row.mineral)
        assert row.at_reference == (None if price is None else row.quantity * price)
        assert row.lots == sum(1 for lot in held if lot.quantity > 0)


def test_a_lot_without_a_known_cost_is_valued_at_reference_and_named_uncosted() -> None:
    [row] = value(
        [
            LotHolding("l1", "cobalt", "wh", D(10), "t", D(36000)),
            LotHolding("l2", "cobalt", "wh", D(5), "t", None),
            LotHolding("l3", "cobalt", "wh", D(0), "t", D(1)),  # drawn out: left out
        ],
        REFERENCES.get,
    )
    assert (row.quantity, row.lots, row.at_cost) == (D(15), 2, D(360_000))
    assert (row.at_reference, row.uncosted_quantity) == (D(495_000), D(5))
