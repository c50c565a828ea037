"""Offers traders publish, and the supply book that tracks what is left of each."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType

from services.sourcing.domain.errors import InvalidValue, SupplyExceeded
from services.sourcing.domain.values import require_country, require_decimal, require_text
from shared.contracts import require_aware


@dataclass(frozen=True, slots=True, kw_only=True)
class Offer:
    """What a trader says it can supply: `quantity` at `unit_price` USD per unit.

    The offer can deliver from `available_on` and stands until `valid_until`
    (inclusive); after that instant it is expired.
    """

    offer_id: str
    trader_id: str
    mineral: str
    origin_country: str
    quantity: Decimal
    unit_price: Decimal
    warehouse: str
    available_on: date
    valid_until: datetime

    def __post_init__(self) -> None:
        require_text(self.offer_id, "offer id")
        require_text(self.trader_id, "trader id")
        require_text(self.mineral, "mineral")
        require_text(self.warehouse, "warehouse")
        require_country(self.origin_country, "origin country")
        require_decimal(self.quantity, "offer quantity")
        require_decimal(self.unit_price, "unit price")
        require_aware(self.valid_until, "valid until")

    def is_expired(self, now: datetime) -> bool:
        return now > self.valid_until


@dataclass(frozen=True, slots=True)
class SupplyBook:
    """The offers sourcing knows, with the quantity of each not yet given to a leg.

    Immutable: consuming returns a new book, so a decision can be computed,
    inspected and only then persisted by the caller. Offers are indexed by
    mineral: a decision looks only at its own mineral's offers, so its cost
    grows with that market's depth, not with the whole book.
    """

    _offers: Mapping[str, Offer]
    _remaining: Mapping[str, Decimal]
    _by_mineral: Mapping[str, tuple[Offer, ...]]

    @classmethod
    def of(cls, offers: Iterable[Offer]) -> SupplyBook:
        return _EMPTY.with_offers(offers)

    def __iter__(self) -> Iterator[Offer]:
        return iter(self._offers.values())

    def __len__(self) -> int:
        return len(self._offers)

    def offer(self, offer_id: str) -> Offer:
        return self._offers[offer_id]

    def offers_of(self, mineral: str) -> tuple[Offer, ...]:
        """The offers of one mineral, in the order they entered the book."""
        return self._by_mineral.get(mineral, ())

    def remaining(self, offer_id: str) -> Decimal:
        return self._remaining[offer_id]

    def with_offers(self, offers: Iterable[Offer]) -> SupplyBook:
        """The book with new offers added, each with its full quantity left."""
        added = dict(self._offers)
        remaining = dict(self._remaining)
        for offer in offers:
            # A revised offer must come with a new id: reusing one would silently
            # reset what earlier legs already took from it.
            if offer.offer_id in added:
                raise InvalidValue(f"offer {offer.offer_id} is already in the supply book")
            added[offer.offer_id] = offer
            remaining[offer.offer_id] = offer.quantity
        return _indexed(added, remaining)

    def consume(self, taken: Mapping[str, Decimal]) -> SupplyBook:
        """The book after legs took `taken[offer_id]` from each offer."""
        if not taken:
            return self
        remaining = dict(self._remaining)
        for offer_id, quantity in taken.items():
            require_decimal(quantity, "consumed quantity", positive=False)
            left = remaining[offer_id]
            if quantity > left:
                raise SupplyExceeded(f"offer {offer_id} has {left} left, cannot give {quantity}")
            remaining[offer_id] = left - quantity
        return SupplyBook(self._offers, MappingProxyType(remaining), self._by_mineral)

    def without(self, *offer_ids: str) -> SupplyBook:
        """The book once traders withdraw these offers."""
        gone = set(offer_ids)
        offers = {k: v for k, v in self._offers.items() if k not in gone}
        remaining = {k: v for k, v in self._remaining.items() if k not in gone}
        return _indexed(offers, remaining)

    def as_stored(self, taken: Iterable[str]) -> SupplyBook:
        """The book as reading it again would give it after legs took from `taken`.

        The stored book leaves out offers nothing is left of (a decision's record lists
        only what it could have chosen from), so those are dropped here too: the next
        decision in the same transaction is taken, and recorded, as it would be alone.
        """
        used_up = [offer_id for offer_id in taken if self._remaining[offer_id] <= 0]
        return self.without(*used_up) if used_up else self


def _indexed(offers: dict[str, Offer], remaining: dict[str, Decimal]) -> SupplyBook:
    by_mineral: dict[str, list[Offer]] = {}
    for offer in offers.values():
        by_mineral.setdefault(offer.mineral, []).append(offer)
    return SupplyBook(
        MappingProxyType(offers),
        MappingProxyType(remaining),
        MappingProxyType({mineral: tuple(group) for mineral, group in by_mineral.items()}),
    )


_EMPTY = SupplyBook(MappingProxyType({}), MappingProxyType({}), MappingProxyType({}))
