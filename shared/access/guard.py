"""Slowing guesses without locking anyone out: failed authentications counted, per key id
and per client address, in this process.

The rule (``shared.http.auth`` applies it): a presented key is checked first, and a
valid one is always let in, whatever others have failed from its address or with its
id. Only a failed attempt is counted, and only a failed attempt is answered 429 once
its key id or its address has failed too often: the guesser is told to wait, the
valid keys behind the same NAT never are. (A 256-bit secret is not guessed anyway;
this keeps a broken or hostile client from costing lookups and filling logs.)
Memory is bounded: the least recently seen counters are forgotten first.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

MAX_TRACKED = 10_000


@dataclass(frozen=True, slots=True)
class Bucket:
    tokens: float
    at: float


def refill(bucket: Bucket | None, now: float, rate: float, burst: int) -> Bucket:
    """The bucket at ``now`` (full when new); a clock going back mints nothing."""
    if bucket is None:
        return Bucket(float(burst), now)
    if now <= bucket.at:
        return bucket
    return Bucket(min(float(burst), bucket.tokens + (now - bucket.at) * rate), now)


def spend(bucket: Bucket | None, now: float, rate: float, burst: int) -> tuple[bool, Bucket]:
    """Take one token if there is one: (whether there was, the bucket after)."""
    current = refill(bucket, now, rate, burst)
    if current.tokens >= 1:
        return True, Bucket(current.tokens - 1, current.at)
    return False, current


class FailureLimiter:
    """Failures per key id (``key:<id>``) and per address (``addr:<ip>``)."""

    def __init__(self, rate_per_s: float = 5.0, burst: int = 20, max_tracked: int = MAX_TRACKED):
        self.rate = rate_per_s
        self.burst = burst
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()
        self._max = max_tracked

    def fail(self, now: float, *, address: str, key_id: str | None) -> bool:
        """Count one failure; whether the caller is still within its allowance (401, not 429)."""
        within = self._spend(f"addr:{address}", now)
        if key_id is not None:
            within = self._spend(f"key:{key_id}", now) and within
        return within

    def _spend(self, who: str, now: float) -> bool:
        ok, bucket = spend(self._buckets.get(who), now, self.rate, self.burst)
        self._buckets[who] = bucket
        self._buckets.move_to_end(who)
        while len(self._buckets) > self._max:
            self._buckets.popitem(last=False)
        return ok
