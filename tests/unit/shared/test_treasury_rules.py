"""Spend against a ceiling: whatever commitments, fills and closings come, in any order the
rule admits them, spend + open commitments never exceed the ceiling."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shared.treasury_rules import Tally, exceeded_reason

money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)
step = st.tuples(st.sampled_from(["commit", "fill", "release"]), money, st.floats(0, 1))


@given(ceiling=money.filter(lambda d: d > 0), steps=st.lists(step, max_size=60))
def test_spend_and_open_commitments_never_exceed_the_ceiling(
    ceiling: Decimal, steps: list[tuple[str, Decimal, float]]
) -> None:
    tally = Tally(ceiling)
    for action, amount, share in steps:
        match action:
            case "commit":
                if tally.admits(amount):
                    tally = tally.commit(amount)
            case "fill":
                # A fill spends at most what was committed for it (its limit price bounds it).
                committed = min(amount, tally.committed)
                spent = (committed * Decimal(str(share))).quantize(Decimal("0.01"))
                tally = tally.fill(committed, min(spent, committed))
            case "release":
                tally = tally.release(amount)
        assert tally.spent + tally.committed <= tally.ceiling
        assert tally.headroom == tally.ceiling - tally.used
        assert tally.spent >= 0
        assert tally.committed >= 0


def test_a_commitment_that_does_not_fit_waits_with_a_reason_and_changes_nothing() -> None:
    tally = Tally(Decimal(1_000_000), spent=Decimal(600_000), committed=Decimal(300_000))
    assert tally.admits(Decimal(100_000))
    assert not tally.admits(Decimal("100000.01"))
    reason = exceeded_reason("cobalt", 2026, tally, Decimal(150_000))
    assert reason == (
        "cobalt 2026 ceiling 1,000,000 USD: spent 600,000 + committed 300,000, "
        "this placement 150,000 (100,000 left)"
    )
    try:
        tally.commit(Decimal(150_000))
    except ValueError:
        pass
    else:
        raise AssertionError("a commitment over the headroom was admitted")


def test_a_fill_never_spends_more_than_was_committed_for_it() -> None:
    tally = Tally(Decimal(100), committed=Decimal(50))
    for committed, spent in ((Decimal(50), Decimal(51)), (Decimal(60), Decimal(10))):
        try:
            tally.fill(committed, spent)
        except ValueError:
            continue
        raise AssertionError("the fill was taken")
