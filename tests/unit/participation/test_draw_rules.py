"""The draw rule (shared.participation_rules): a draw never exceeds the rights in force."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.participation_rules import DrawJudged, DrawRefused, DrawRights, allowance, judge_draw

amounts = st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False)
shares = st.decimals(min_value=0, max_value=1, places=2, allow_nan=False)


def test_normal_draw_is_limited_to_own_holdings() -> None:
    rights = DrawRights(pool_share=Decimal("0.5"), disrupted=False)
    assert judge_draw(rights, Decimal(10), Decimal(100), Decimal(10)) == DrawJudged(
        from_own=Decimal(10), from_pool=Decimal(0)
    )
    refused = judge_draw(rights, Decimal(10), Decimal(100), Decimal(11))
    assert isinstance(refused, DrawRefused)
    assert "no disruption is declared" in refused.reason


def test_in_a_disruption_the_agreed_share_of_the_others_holdings_may_be_drawn() -> None:
    rights = DrawRights(pool_share=Decimal("0.25"), disrupted=True)
    assert judge_draw(rights, Decimal(10), Decimal(100), Decimal(35)) == DrawJudged(
        from_own=Decimal(10), from_pool=Decimal(25)
    )
    refused = judge_draw(rights, Decimal(10), Decimal(100), Decimal("35.001"))
    assert isinstance(refused, DrawRefused)
    assert "0.25 of the others'" in refused.reason


def test_a_disruption_without_a_pool_share_widens_nothing() -> None:
    refused = judge_draw(DrawRights(disrupted=True), Decimal(5), Decimal(100), Decimal(6))
    assert isinstance(refused, DrawRefused)
    assert "no access beyond its own holdings" in refused.reason


def test_a_share_outside_zero_to_one_is_an_error() -> None:
    with pytest.raises(ValueError, match="fraction"):
        allowance(DrawRights(pool_share=Decimal("1.5")), Decimal(1), Decimal(1))


@given(own=amounts, others=amounts, share=shares, disrupted=st.booleans(), requested=amounts)
def test_a_draw_never_exceeds_the_rights_in_force(
    own: Decimal, others: Decimal, share: Decimal, disrupted: bool, requested: Decimal
) -> None:
    rights = DrawRights(pool_share=share, disrupted=disrupted)
    judged = judge_draw(rights, own, others, requested)
    allowed = allowance(rights, own, others)
    if isinstance(judged, DrawJudged):
        # What is drawn is what was asked, own first, never beyond either source.
        assert judged.from_own + judged.from_pool == requested
        assert 0 <= judged.from_own <= own
        assert 0 <= judged.from_pool <= allowed.pool
        assert judged.from_pool == 0 or judged.from_own == own
        assert disrupted or judged.from_pool == 0
        assert judged.from_pool <= others * share
    else:
        assert requested <= 0 or requested > allowed.total
        assert judged.reason
