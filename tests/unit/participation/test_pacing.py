"""Pacing (domain/pacing.py): never beyond the budget, never beyond what is uncovered."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.participation.domain.commitments import Commitment
from services.participation.domain.pacing import PacingRule, budget, load_policy, pace


def commitment(who: str, committed: str, held: str = "0", on_order: str = "0") -> Commitment:
    return Commitment(
        manufacturer_id=who,
        mineral="cobalt",
        unit="t",
        committed=Decimal(committed),
        set_price=Decimal(30000),
        agreement_version=1,
        held=Decimal(held),
        on_order=Decimal(on_order),
    )


def test_a_pass_asks_for_a_share_of_the_book_in_proportion_to_what_is_uncovered() -> None:
    rule = PacingRule(max_share_per_pass=Decimal("0.5"), monthly_ceiling=None)
    asks = pace([commitment("a", "100"), commitment("b", "60", held="20")], rule, Decimal(0))
    # Book 160, half of it 80; uncovered 100 and 40.
    assert [(a.manufacturer_id, a.quantity) for a in asks] == [
        ("a", Decimal("57.142")),
        ("b", Decimal("22.857")),
    ]


def test_the_monthly_ceiling_counts_what_was_asked_this_month() -> None:
    rule = PacingRule(max_share_per_pass=Decimal(1), monthly_ceiling=Decimal(50))
    assert budget(rule, Decimal(1000), Decimal(45)) == Decimal(5)
    assert pace([commitment("a", "100")], rule, Decimal(50)) == []


def test_own_demand_and_orders_count_against_the_commitment() -> None:
    rule = PacingRule(max_share_per_pass=Decimal(1), monthly_ceiling=None)
    assert pace([commitment("a", "100", held="40", on_order="60")], rule, Decimal(0)) == []


def test_the_policy_file_loads() -> None:
    policy = load_policy()
    assert policy.rule("gallium").max_share_per_pass == Decimal("0.1")
    assert policy.rule("cobalt") == policy.default


committed = st.decimals(min_value="0.001", max_value=10_000, places=3, allow_nan=False)
covered = st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False)


@given(
    rows=st.lists(st.tuples(committed, covered), min_size=1, max_size=5),
    share=st.decimals(min_value="0.01", max_value=1, places=2),
    ceiling=st.none() | st.decimals(min_value=0, max_value=5_000, places=3),
    this_month=covered,
)
def test_a_pass_never_asks_beyond_its_budget_nor_beyond_what_is_uncovered(
    rows: list[tuple[Decimal, Decimal]],
    share: Decimal,
    ceiling: Decimal | None,
    this_month: Decimal,
) -> None:
    book = [commitment(str(i), str(c), held=str(h)) for i, (c, h) in enumerate(rows)]
    rule = PacingRule(max_share_per_pass=share, monthly_ceiling=ceiling)
    asks = pace(book, rule, this_month)
    by_who = {c.manufacturer_id: c for c in book}
    total = sum((a.quantity for a in asks), Decimal(0))
    assert total <= budget(rule, sum((c.committed for c in book), Decimal(0)), this_month)
    for ask in asks:
        assert 0 < ask.quantity <= by_who[ask.manufacturer_id].uncovered
    assert len({a.manufacturer_id for a in asks}) == len(asks)
