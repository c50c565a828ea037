"""Specialist traders as data, and what is already open with each of them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from types import MappingProxyType

from services.sourcing.domain.errors import ExposureUnderflow, InvalidValue
from services.sourcing.domain.values import require_decimal, require_text

QUANTITY_QUANTUM = Decimal("0.000001")
"""Resolution of quantities derived by division (room under an exposure limit).

Rounded down, so a mandate sized from the value left never exceeds it.
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Trader:
    """A trading house ops registered for some markets; rank 1 is asked first."""

    trader_id: str
    markets: frozenset[str]
    rank: int
    capacity: Decimal
    """Most quantity that may be open with this trader at once."""
    exposure_limit: Decimal
    """Most value (USD) that may be open with this trader at once."""
    active: bool = True

    def __post_init__(self) -> None:
        require_text(self.trader_id, "trader id")
        if self.rank < 1:
            raise InvalidValue(f"rank of {self.trader_id} must be 1 or more, got {self.rank}")
        require_decimal(self.capacity, "capacity", positive=False)
        require_decimal(self.exposure_limit, "exposure limit", positive=False)
        object.__setattr__(self, "markets", frozenset(self.markets))


@dataclass(frozen=True, slots=True, kw_only=True)
class Exposure:
    open_quantity: Decimal = Decimal(0)
    open_value: Decimal = Decimal(0)


NO_EXPOSURE = Exposure()


@dataclass(frozen=True, slots=True)
class TraderRoster:
    """Registered traders and the quantity and value open with each.

    Every leg, offer or mandate, adds to its trader's exposure. Only mandates are
    limited by capacity and exposure: an offer leg takes what the trader itself
    offered, but it still uses up room for later mandates.
    """

    _traders: Mapping[str, Trader]
    _exposures: Mapping[str, Exposure]

    @classmethod
    def of(
        cls, traders: Iterable[Trader], exposures: Mapping[str, Exposure] | None = None
    ) -> TraderRoster:
        by_id: dict[str, Trader] = {}
        for trader in traders:
            if trader.trader_id in by_id:
                raise InvalidValue(f"trader {trader.trader_id} is registered twice")
            by_id[trader.trader_id] = trader
        return cls(MappingProxyType(by_id), MappingProxyType(dict(exposures or {})))

    @property
    def traders(self) -> tuple[Trader, ...]:
        return tuple(self._traders.values())

    def trader(self, trader_id: str) -> Trader | None:
        return self._traders.get(trader_id)

    def exposure(self, trader_id: str) -> Exposure:
        return self._exposures.get(trader_id, NO_EXPOSURE)

    @property
    def exposures(self) -> Mapping[str, Exposure]:
        """What is open with each trader that has anything open."""
        return self._exposures

    def specialists(self, market: str) -> tuple[Trader, ...]:
        """Everyone registered for `market`, best rank first (ties by id, for determinism)."""
        found = [t for t in self._traders.values() if market in t.markets]
        return tuple(sorted(found, key=lambda t: (t.rank, t.trader_id)))

    def room(self, trader: Trader, unit_price: Decimal) -> Decimal:
        """Quantity at `unit_price` this trader can still take under capacity and exposure."""
        exposure = self.exposure(trader.trader_id)
        by_quantity = trader.capacity - exposure.open_quantity
        by_value = ((trader.exposure_limit - exposure.open_value) / unit_price).quantize(
            QUANTITY_QUANTUM, rounding=ROUND_DOWN
        )
        return max(Decimal(0), min(by_quantity, by_value))

    def committing(self, commitments: Iterable[tuple[str, Decimal, Decimal]]) -> TraderRoster:
        """The roster once (trader_id, quantity, value) legs are opened."""
        exposures = dict(self._exposures)
        for trader_id, quantity, value in commitments:
            now = exposures.get(trader_id, NO_EXPOSURE)
            exposures[trader_id] = Exposure(
                open_quantity=now.open_quantity + quantity, open_value=now.open_value + value
            )
        return TraderRoster(self._traders, MappingProxyType(exposures))

    def releasing(self, trader_id: str, quantity: Decimal, value: Decimal) -> TraderRoster:
        """The roster once a leg's open `quantity` worth `value` is filled or has failed."""
        now = self.exposure(trader_id)
        if quantity > now.open_quantity or value > now.open_value:
            raise ExposureUnderflow(
                f"{trader_id} has {now.open_quantity} worth {now.open_value} open, "
                f"cannot release {quantity} worth {value}"
            )
        exposures = dict(self._exposures)
        exposures[trader_id] = Exposure(
            open_quantity=now.open_quantity - quantity, open_value=now.open_value - value
        )
        return TraderRoster(self._traders, MappingProxyType(exposures))


@dataclass(frozen=True, slots=True)
class Rosters:
    """Every trader the decisions of one transaction may route to, across markets.

    Capacity is in a market's unit, so open quantity is kept per (trader, market);
    an exposure limit is in dollars, so open value is kept per trader over every
    market. ``of_market`` gives the roster one decision is taken against; ``settled``
    takes back what that decision opened or released, so a decision in another
    market (a trader may serve several) sees the room the first one left.
    """

    traders: tuple[Trader, ...]
    open_quantity: Mapping[tuple[str, str], Decimal]
    """Keyed by (trader id, market)."""
    open_value: Mapping[str, Decimal]

    def of_market(self, market: str) -> TraderRoster:
        traders = {t.trader_id for t in self.traders} | set(self.open_value)
        zero = Decimal(0)
        return TraderRoster.of(
            self.traders,
            {
                trader_id: Exposure(
                    open_quantity=self.open_quantity.get((trader_id, market), zero),
                    open_value=self.open_value.get(trader_id, zero),
                )
                for trader_id in traders
            },
        )

    def settled(self, market: str, before: TraderRoster, after: TraderRoster) -> Rosters:
        """These rosters once a decision in `market` turned `before` into `after`."""
        quantities = dict(self.open_quantity)
        values = dict(self.open_value)
        zero = Decimal(0)
        for trader_id, now in after.exposures.items():
            was = before.exposure(trader_id)
            key = (trader_id, market)
            quantities[key] = quantities.get(key, zero) + now.open_quantity - was.open_quantity
            values[trader_id] = values.get(trader_id, zero) + now.open_value - was.open_value
        return Rosters(self.traders, MappingProxyType(quantities), MappingProxyType(values))
