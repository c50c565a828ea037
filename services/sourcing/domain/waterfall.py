"""The order in which eligible offers are taken, per phase.

Initial fill is availability first: soonest `available_on`, then cheapest, from
any origin the phase does not exclude.

Replenishment is the tier waterfall. A domestic offer is preferred over an
allied one as long as its premium over that allied offer is within the policy's
cap: domestic at `d` ranks before allied at `a` exactly when `d <= a * (1 + cap)`.
So domestic offers within the cap of the best eligible allied price come before
every allied offer, even when dearer. A domestic offer beyond that cap is not
dropped: it ranks after the allied offers it is too dear against and before the
dearer allied offers it is within the cap of. Being domestic, it always ranks
before `other` origins, which are taken only for what domestic and allied offers
cannot cover. With no eligible allied offer, domestic offers are not capped.
Within a tier: cheapest, then soonest; the offer id breaks any remaining tie so
the same book always yields the same decision.

Without a cap (``premium_cap=None``: a program admin approved ``over_premium_cap`` for the
order), every domestic offer ranks before every allied one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.sourcing.domain.eligibility import Candidate
from shared.contracts import Phase, Tier

_SortKey = tuple[int, Decimal, int, date, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Ranking:
    candidates: tuple[Candidate, ...]
    """Eligible offers, the one to take first first."""
    best_allied_price: Decimal | None
    """Cheapest eligible allied price in replenishment; None in initial fill or with no allied."""
    domestic_price_cap: Decimal | None
    """Highest domestic price preferred over every allied offer; None when uncapped."""

    def is_beyond_cap(self, candidate: Candidate) -> bool:
        return (
            candidate.tier is Tier.DOMESTIC
            and self.domestic_price_cap is not None
            and candidate.offer.unit_price > self.domestic_price_cap
        )


def rank(candidates: Iterable[Candidate], *, phase: Phase, premium_cap: Decimal | None) -> Ranking:
    pool = list(candidates)
    if phase is Phase.INITIAL_FILL:
        pool.sort(key=lambda c: (c.offer.available_on, c.offer.unit_price, c.offer.offer_id))
        return Ranking(candidates=tuple(pool), best_allied_price=None, domestic_price_cap=None)

    allied_prices = [c.offer.unit_price for c in pool if c.tier is Tier.ALLIED]
    best_allied = min(allied_prices, default=None)
    if premium_cap is None:  # approved over the cap: the tiers in order, whatever the price
        pool.sort(key=_uncapped_key)
        return Ranking(
            candidates=tuple(pool), best_allied_price=best_allied, domestic_price_cap=None
        )
    factor = 1 + premium_cap
    pool.sort(key=lambda c: _replenishment_key(c, factor))
    return Ranking(
        candidates=tuple(pool),
        best_allied_price=best_allied,
        domestic_price_cap=None if best_allied is None else best_allied * factor,
    )


def _replenishment_key(candidate: Candidate, factor: Decimal) -> _SortKey:
    offer = candidate.offer
    if candidate.tier is Tier.OTHER:
        return (1, offer.unit_price, 0, offer.available_on, offer.offer_id)
    # Allied prices are scaled up by the cap rather than domestic ones scaled
    # down: multiplication is exact for these decimals, division may round and
    # misplace an offer priced exactly at the cap.
    if candidate.tier is Tier.ALLIED:
        return (0, offer.unit_price * factor, 1, offer.available_on, offer.offer_id)
    return (0, offer.unit_price, 0, offer.available_on, offer.offer_id)


_TIER_ORDER = {Tier.DOMESTIC: 0, Tier.ALLIED: 1, Tier.OTHER: 2}


def _uncapped_key(candidate: Candidate) -> tuple[int, Decimal, date, str]:
    offer = candidate.offer
    return (_TIER_ORDER[candidate.tier], offer.unit_price, offer.available_on, offer.offer_id)
