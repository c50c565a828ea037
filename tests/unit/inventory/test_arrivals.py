"""Physical receipts apart from title: title minus variances equals physical holdings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.inventory.domain.arrivals import (
    Arrival,
    Titled,
    judge_arrival,
    physical_holdings,
)

D = Decimal
quantity = st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False)


def arrival(fill_id: str, weighed: Decimal, warehouse: str = "wh", reason: str = "") -> Arrival:
    return Arrival(
        arrival_id=f"a-{fill_id}",
        fill_id=fill_id,
        warehouse_id=warehouse,
        weighed=weighed,
        unit="t",
        arrived_on=date(2026, 3, 9),
        grade="99.8% Co",
        assay={},
        variance_reason=reason,
        confirmed_by="custodian-wh",
    )


@given(
    lots=st.lists(
        st.tuples(
            st.sampled_from(["cobalt", "lithium"]),
            st.sampled_from(["wh-1", "wh-2"]),
            quantity.filter(lambda q: q > 0),
            st.one_of(st.none(), quantity),  # weighed, or not yet arrived
        ),
        max_size=25,
    )
)
def test_title_minus_variances_equals_physical_holdings(
    lots: list[tuple[str, str, Decimal, Decimal | None]],
) -> None:
    titles = [
        Titled(f"f{i}", f"l{i}", mineral, warehouse, titled, "t")
        for i, (mineral, warehouse, titled, _) in enumerate(lots)
    ]
    arrived = [
        arrival(f"f{i}", weighed, warehouse, "weighed")
        for i, (_, warehouse, _, weighed) in enumerate(lots)
        if weighed is not None
    ]
    for line in physical_holdings(titles, arrived):
        assert line.received_title - line.variances == line.physical
        assert line.titled == line.in_transit + line.received_title
    lines = physical_holdings(titles, arrived)
    assert sum((line.physical for line in lines), D(0)) == sum((a.weighed for a in arrived), D(0))


def test_a_short_weight_needs_its_reason_and_the_lots_warehouse_and_unit() -> None:
    title = Titled("f1", "l1", "cobalt", "wh", D(20), "t")
    assert judge_arrival(arrival("f1", D(20)), title) is None
    short = judge_arrival(arrival("f1", D("19.5")), title)
    assert short is not None
    assert short.code == "variance_needs_reason"
    assert judge_arrival(arrival("f1", D("19.5"), reason="moisture loss"), title) is None
    elsewhere = judge_arrival(arrival("f1", D(20), warehouse="wh-9"), title)
    assert elsewhere is not None
    assert elsewhere.code == "wrong_warehouse"
    # Before the fill is booked, an arrival is kept as a receipt without a fill.
    assert judge_arrival(arrival("f-unknown", D(3)), None) is None
