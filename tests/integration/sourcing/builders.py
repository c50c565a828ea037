"""Event payloads as other systems send them; each test states only what matters to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from shared.catalogue import Mineral, load_catalogue
from shared.contracts import (
    FillConfirmed,
    LegClosed,
    OfferPublished,
    PhaseSet,
    ProcurementRequested,
    TraderRegistered,
)

_CLAIMED: dict[str, str] = {}


def today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class Scene:
    """One test's corner of the program: a mineral whose market no other test uses.

    The service and its database are shared by the package, so each test keeps to
    its own market: no other test's offers or specialists can enter its decisions.
    """

    mineral: str
    alone: bool = False
    """On a database no other test shares (``batch_support``): no market to claim."""

    def __post_init__(self) -> None:
        if self.alone:
            return
        holder = _CLAIMED.setdefault(self.market, self.mineral)
        assert holder == self.mineral, f"market {self.market} is already {holder}'s scene"

    @property
    def market(self) -> str:
        return self._entry.market

    @property
    def unit(self) -> str:
        return str(self._entry.unit)

    @property
    def _entry(self) -> Mineral:
        entry = load_catalogue().get(self.mineral)
        assert entry is not None, f"{self.mineral} is not a catalogue mineral"
        return entry

    def procurement(
        self,
        order_id: str,
        *,
        quantity: str = "100",
        limit_price: str | None = None,
        kind: str = "procurement",
        manufacturer_id: str = "m-1",
        deliver_in_days: int = 60,
    ) -> ProcurementRequested:
        return ProcurementRequested.model_validate(
            {
                "order_id": order_id,
                "manufacturer_id": manufacturer_id,
                "request_id": f"r-{order_id}",
                "mineral": self.mineral,
                "market": self.market,
                "quantity": {"amount": quantity, "unit": self.unit},
                "deliver_by": today() + timedelta(days=deliver_in_days),
                "limit_price": None
                if limit_price is None
                else {"amount": limit_price, "per": self.unit},
                "kind": kind,
            }
        )

    def offer(
        self,
        offer_id: str,
        trader_id: str,
        *,
        origin: str = "US",
        quantity: str = "100",
        price: str = "100",
        available_in_days: int = 10,
    ) -> OfferPublished:
        return OfferPublished.model_validate(
            {
                "offer_id": offer_id,
                "trader_id": trader_id,
                "mineral": self.mineral,
                "market": self.market,
                "origin_country": origin,
                "quantity": {"amount": quantity, "unit": self.unit},
                "unit_price": {"amount": price, "per": self.unit},
                "warehouse_id": f"wh-{trader_id}",
                "available_on": today() + timedelta(days=available_in_days),
                "valid_until": datetime.now(UTC) + timedelta(days=30),
            }
        )

    def trader(self, trader_id: str, *, rank: int = 1) -> TraderRegistered:
        return TraderRegistered(
            trader_id=trader_id,
            name=f"House {trader_id}",
            markets=[self.market],
            rank=rank,
            capacity=Decimal(1_000_000),
            exposure_limit_usd=Decimal(1_000_000_000),
        )

    def phase(self, value: str) -> PhaseSet:
        return PhaseSet.model_validate(
            {"mineral": self.mineral, "phase": value, "set_by": "ops-test", "reason": "test"}
        )

    def fill(
        self,
        fill_id: str,
        leg: dict[str, Any],
        *,
        quantity: str,
        price: str | None = None,
        leg_filled: str | None = None,
        filled_at: datetime | None = None,
    ) -> FillConfirmed:
        """A fill of `leg` (a leg.routed payload) as the gateway confirms it: `leg_filled`
        is the leg's filled total after it (by default, this fill is the leg's first)."""
        total = Decimal(leg_filled if leg_filled is not None else quantity)
        return FillConfirmed.model_validate(
            {
                "fill_id": fill_id,
                "leg_id": leg["leg_id"],
                "order_id": leg["order_id"],
                "trader_id": leg["trader_id"],
                "manufacturer_id": leg["manufacturer_id"],
                "mineral": leg["mineral"],
                "quantity": {"amount": quantity, "unit": self.unit},
                "unit_price": {"amount": price or leg["limit_price"]["amount"], "per": self.unit},
                "origin_country": leg["origin_country"] or "US",
                "warehouse_id": leg["warehouse_id"] or "wh-mandated",
                "lot_reference": f"lot-{fill_id}",
                "filled_at": filled_at or datetime.now(UTC),
                "leg_filled": str(total),
                "leg_remaining": str(Decimal(leg["quantity"]["amount"]) - total),
            }
        )

    def decline(
        self, leg: dict[str, Any], *, filled: str = "0", reason: str = "cannot ship"
    ) -> LegClosed:
        """The gateway's closing of `leg`, declined by its trader once `filled` was filled."""
        return self.closing(leg, "declined", filled=filled, detail=reason)

    def closing(
        self, leg: dict[str, Any], reason: str, *, filled: str = "0", detail: str = ""
    ) -> LegClosed:
        """The gateway closes `leg` (declined, expired, cancelled) with `filled` taken."""
        quantity = Decimal(leg["quantity"]["amount"])
        return LegClosed.model_validate(
            {
                "leg_id": leg["leg_id"],
                "order_id": leg["order_id"],
                "trader_id": leg["trader_id"],
                "mineral": leg["mineral"],
                "reason": reason,
                "quantity": leg["quantity"],
                "filled": filled,
                "undone": str(quantity - Decimal(filled)),
                "detail": detail,
                "closed_at": datetime.now(UTC),
            }
        )
