"""Committed on open legs, spent on fills, per mineral and year, against ceilings and funding."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.treasury.domain.spend import (
    FillMoney,
    FundingSource,
    LegMoney,
    funding,
    spend_lines,
)

D = Decimal


def leg(leg_id: str, quantity: str, limit: str | None, filled: str, open_: bool) -> LegMoney:
    return LegMoney(
        leg_id=leg_id,
        mineral="cobalt",
        year=2026,
        quantity=D(quantity),
        limit_price=None if limit is None else D(limit),
        filled=D(filled),
        open=open_,
    )


def test_an_open_leg_commits_what_is_unfilled_at_its_limit_and_a_closed_one_nothing() -> None:
    legs = [
        leg("a", "20", "36000", "5", True),  # 15 t open at 36,000
        leg("b", "10", "30000", "4", False),  # closed: nothing committed
        leg("c", "8", None, "0", True),  # a mandate without a limit: 8 t unpriced
    ]
    fills = [
        FillMoney("f1", "cobalt", 2026, D(5), D(35500)),
        FillMoney("f2", "cobalt", 2026, D(4), D(29000)),
    ]
    [line] = spend_lines(legs, fills, {("cobalt", 2026): D(2_000_000)})
    assert line.committed == D(15) * D(36000) == D(540_000)
    assert line.spent == D(5) * D(35500) + D(4) * D(29000) == D(293_500)
    assert line.unpriced_open == D(8)
    assert line.headroom == D(2_000_000) - D(833_500)
    assert not line.exceeded
    [over] = spend_lines(legs, fills, {("cobalt", 2026): D(800_000)})
    assert over.exceeded
    assert over.headroom == 0


def test_funding_adds_every_source_against_everything_spent_and_committed() -> None:
    lines = spend_lines(
        [leg("a", "10", "100", "0", True)], [FillMoney("f", "cobalt", 2026, D(2), D(50))], {}
    )
    total = funding(
        [
            FundingSource("loan-t1", "ECA loan, tranche 1", "loan_tranche", D(5000)),
            FundingSource("private", "Private capital", "private_capital", D(1000)),
        ],
        lines,
    )
    assert (total.ceiling, total.spent, total.committed) == (D(6000), D(100), D(1000))
    assert total.headroom == D(4900)
    assert not total.exceeded


amounts = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False)


@given(
    fills=st.lists(
        st.tuples(st.sampled_from(["cobalt", "lithium"]), st.sampled_from([2025, 2026]), amounts),
        max_size=20,
    )
)
def test_spend_per_mineral_and_year_adds_up_to_the_spend_overall(
    fills: list[tuple[str, int, Decimal]],
) -> None:
    money = [FillMoney(f"f{i}", m, y, D(1), price) for i, (m, y, price) in enumerate(fills)]
    lines = spend_lines([], money, {})
    assert sum((line.spent for line in lines), D(0)) == sum((f.spent for f in money), D(0))
    assert funding([], lines).spent == sum((f.spent for f in money), D(0))
