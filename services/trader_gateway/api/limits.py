"""In-process token buckets (the domain's ``take``), one per API key or client address.

Kept in memory on purpose: a limit per key per replica is enough to stop a runaway
client, costs no round trip, and needs no shared store. With N replicas behind a
balancer a key gets up to N times the rate; a shared store can replace this class
without changing the rule, because the bucket itself is a pure value.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime

from services.trader_gateway.domain import BucketState, RateDecision, RatePolicy, take

# Bounds the memory an attacker can make us spend by varying addresses or key ids.
MAX_TRACKED = 10_000


class Limiter:
    def __init__(self, policy: RatePolicy, *, max_tracked: int = MAX_TRACKED) -> None:
        self.policy = policy
        self._buckets: OrderedDict[str, BucketState] = OrderedDict()
        self._max_tracked = max_tracked

    def take(self, who: str, now: datetime) -> RateDecision:
        decision = take(self.policy, self._buckets.get(who), now)
        self._buckets[who] = decision.state
        self._buckets.move_to_end(who)
        while len(self._buckets) > self._max_tracked:
            self._buckets.popitem(last=False)  # the least recently seen goes first
        return decision

    def exhausted(self, who: str, now: datetime) -> bool:
        """Whether ``who`` has no token left, without spending one."""
        state = self._buckets.get(who)
        if state is None:
            return False
        return take(self.policy, state, now).allowed is False
