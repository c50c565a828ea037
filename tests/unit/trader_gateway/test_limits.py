from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.trader_gateway.api.limits import BucketState, Limiter, RatePolicy, take

from .builders import NOW

POLICY = RatePolicy(rate_per_second=Decimal("2"), burst=5)


def test_a_new_key_may_spend_its_whole_burst_at_once() -> None:
    state: BucketState | None = None
    for _ in range(5):
        decision = take(POLICY, state, NOW)
        assert decision.allowed
        state = decision.state
    assert decision.remaining == 0
    refused = take(POLICY, state, NOW)
    assert not refused.allowed
    assert refused.retry_after_seconds == 1


def test_tokens_come_back_at_the_policy_rate() -> None:
    state = BucketState(Decimal(0), NOW)
    assert not take(POLICY, state, NOW + timedelta(milliseconds=499)).allowed
    assert take(POLICY, state, NOW + timedelta(milliseconds=500)).allowed


def test_a_long_pause_refills_no_more_than_the_burst() -> None:
    decision = take(POLICY, BucketState(Decimal(0), NOW), NOW + timedelta(days=1))
    assert decision.remaining == 4


def test_a_refused_request_spends_nothing() -> None:
    state = BucketState(Decimal("0.5"), NOW)
    assert take(POLICY, state, NOW).state == state


def test_retry_after_rounds_up_to_whole_seconds() -> None:
    slow = RatePolicy(rate_per_second=Decimal("0.3"), burst=1)
    assert take(slow, BucketState(Decimal(0), NOW), NOW).retry_after_seconds == 4


def test_a_bucket_saved_under_a_larger_burst_holds_no_more_than_the_new_burst() -> None:
    decision = take(POLICY, BucketState(Decimal(50), NOW), NOW)
    assert decision.remaining == 4


def test_a_clock_that_steps_back_mints_no_tokens() -> None:
    state = BucketState(Decimal(0), NOW)
    decision = take(POLICY, state, NOW - timedelta(hours=1))
    assert not decision.allowed
    assert decision.state.updated_at == NOW


@pytest.mark.parametrize(
    ("rate", "burst"), [(Decimal(0), 5), (Decimal(-1), 5), (Decimal(1), 0), (Decimal("NaN"), 1)]
)
def test_a_policy_needs_a_positive_rate_and_burst(rate: Decimal, burst: int) -> None:
    with pytest.raises(ValueError):
        RatePolicy(rate, burst)


@pytest.mark.parametrize("cost", [0, 6])
def test_a_cost_outside_one_to_burst_is_a_programming_error(cost: int) -> None:
    with pytest.raises(ValueError, match="cost"):
        take(POLICY, None, NOW, cost)


@given(
    rate=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("50"), places=3),
    burst=st.integers(1, 20),
    steps=st.lists(st.integers(-2_000_000, 3_000_000), max_size=60),
    costs=st.lists(st.integers(1, 3), min_size=60, max_size=60),
)
def test_the_limiter_never_allows_more_than_burst_plus_rate_times_elapsed(
    rate: Decimal, burst: int, steps: list[int], costs: list[int]
) -> None:
    policy = RatePolicy(rate, burst)
    state: BucketState | None = None
    now, latest, spent = NOW, NOW, 0
    # Steps may be negative: a clock that jumps back must not let more through.
    for step_us, cost in zip([0, *steps], costs, strict=False):
        now += timedelta(microseconds=step_us)
        latest = max(latest, now)
        decision = take(policy, state, now, min(cost, burst))
        state = decision.state
        if decision.allowed:
            spent += min(cost, burst)
        elapsed = Fraction((latest - NOW) // timedelta(microseconds=1), 1_000_000)
        assert spent <= burst + Fraction(rate) * elapsed


def test_the_limiter_keeps_a_bucket_per_caller_and_forgets_the_least_recent_first() -> None:
    limiter = Limiter(RatePolicy(Decimal(1), burst=1), max_tracked=2)
    assert limiter.take("a", NOW).allowed
    assert limiter.exhausted("a", NOW)
    assert not limiter.exhausted("b", NOW)
    assert limiter.take("b", NOW).allowed
    assert limiter.take("c", NOW).allowed  # "a" is forgotten: its bucket is full again
    assert not limiter.exhausted("a", NOW)
    assert not limiter.take("c", NOW).allowed
