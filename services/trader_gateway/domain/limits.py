"""Resource limits (OWASP API4): a per-key token bucket and page-size clamping.

The bucket is a pure value, so the HTTP layer may keep states in memory or in a
shared store without changing the rule.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from services.trader_gateway.domain.values import amount_problem, require_aware

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
_MICROSECONDS_PER_SECOND = 1_000_000


@dataclass(frozen=True, slots=True)
class RatePolicy:
    rate_per_second: Decimal
    burst: int

    def __post_init__(self) -> None:
        problem = amount_problem(self.rate_per_second, "rate_per_second")
        if problem is not None:
            raise ValueError(problem)
        if self.burst < 1:
            raise ValueError("burst must be at least 1")


@dataclass(frozen=True, slots=True)
class BucketState:
    tokens: Decimal
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    state: BucketState
    # Whole tokens left, for a RateLimit-Remaining style header.
    remaining: int
    # Seconds until the request could succeed; 0 when allowed (for Retry-After).
    retry_after_seconds: int


def take(
    policy: RatePolicy, state: BucketState | None, now: datetime, cost: int = 1
) -> RateDecision:
    """Spend `cost` tokens if the bucket holds them; a refused request spends nothing."""
    require_aware(now, "now")
    if not 1 <= cost <= policy.burst:
        raise ValueError("cost must be between 1 and the burst size")
    tokens, updated_at = _refilled(policy, state, now)
    if tokens >= cost:
        left = tokens - cost
        return RateDecision(True, BucketState(left, updated_at), int(left), 0)
    with localcontext() as ctx:
        ctx.rounding = ROUND_CEILING
        wait = ((cost - tokens) / policy.rate_per_second).to_integral_value()
    return RateDecision(False, BucketState(tokens, updated_at), int(tokens), max(1, int(wait)))


def _refilled(
    policy: RatePolicy, state: BucketState | None, now: datetime
) -> tuple[Decimal, datetime]:
    if state is None:
        return Decimal(policy.burst), now
    # A clock that steps backwards must not mint tokens, nor move the bucket's
    # time back so that the same interval is counted twice.
    if now <= state.updated_at:
        return min(Decimal(policy.burst), state.tokens), state.updated_at
    elapsed_us = (now - state.updated_at) // timedelta(microseconds=1)
    with localcontext() as ctx:
        # Rounding down: an inexact refill may cost a trader a sliver of a token,
        # but can never grant more than rate * elapsed.
        ctx.rounding = ROUND_FLOOR
        refill = policy.rate_per_second * elapsed_us / _MICROSECONDS_PER_SECOND
        tokens = min(Decimal(policy.burst), state.tokens + refill)
    return tokens, now


def clamp_page_size(
    requested: int | None, *, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE
) -> int:
    """A page size within [1, maximum]; absent means the default."""
    if requested is None:
        return min(default, maximum)
    return max(1, min(requested, maximum))
