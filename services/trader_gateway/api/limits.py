"""Request rates (OWASP API4): a token bucket per API key or client address, in this process.

The bucket is a pure value (``take``), so a shared store could replace ``Limiter``
without changing the rule. Kept in memory on purpose: a limit per key per replica
is enough to stop a runaway client, costs no round trip, and needs no shared store.
With N replicas behind a balancer a key gets up to N times the rate.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from services.trader_gateway.domain.values import amount_problem
from shared.contracts import require_aware

_MICROSECONDS_PER_SECOND = 1_000_000
# Bounds the memory an attacker can make us spend by varying addresses or key ids.
MAX_TRACKED = 10_000


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


class Limiter:
    """One bucket per caller (``who``), the least recently seen forgotten first."""

    def __init__(self, policy: RatePolicy, *, max_tracked: int = MAX_TRACKED) -> None:
        self.policy = policy
        self._buckets: OrderedDict[str, BucketState] = OrderedDict()
        self._max_tracked = max_tracked

    def take(self, who: str, now: datetime) -> RateDecision:
        decision = take(self.policy, self._buckets.get(who), now)
        self._buckets[who] = decision.state
        self._buckets.move_to_end(who)
        while len(self._buckets) > self._max_tracked:
            self._buckets.popitem(last=False)
        return decision

    def exhausted(self, who: str, now: datetime) -> bool:
        """Whether ``who`` has no token left, without spending one."""
        state = self._buckets.get(who)
        if state is None:
            return False
        return take(self.policy, state, now).allowed is False
