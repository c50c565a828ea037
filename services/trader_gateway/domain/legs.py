"""A leg as the gateway keeps it: the part of an order routed to one trader, and its life.

The gateway owns a leg's fills and its closing. Sourcing routes a leg (``route_leg``)
and may ask for it back (``closings.cancel_leg``); the trader fills it
(``fills.fill_leg``) or declines what is left (``declines.decline_leg``); past its
deadline the sweep closes it (``closings.expire_leg``), and until then an open leg
past its deadline reads as expired (``Leg.status_at``). Each transition takes the leg
as it stands and returns the leg it becomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from services.trader_gateway.domain.values import (
    amount_problem,
    identifier_problem,
    normalise_country,
)
from shared.contracts import Tier, Unit, require_aware


class LegStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset({LegStatus.OPEN, LegStatus.PARTIALLY_FILLED})


class LegKind(StrEnum):
    # Backed by an offer the trader published, or a mandate to find the material.
    OFFER_BACKED = "offer"
    MANDATE = "mandate"


class UnusableLeg(ValueError):
    """Sourcing routed a leg the gateway cannot hold (no retry can fix it)."""


@dataclass(frozen=True, slots=True)
class Leg:
    """A leg as sourcing routed it, plus what has been filled so far.

    Invariants are enforced on construction because a leg that is over-filled, or
    whose status contradicts its quantities, would make every later check wrong.
    """

    leg_id: str
    order_id: str
    trader_id: str
    mineral: str
    unit: Unit
    quantity: Decimal
    filled_quantity: Decimal
    limit_price: Decimal | None  # USD per ``unit``
    deadline: datetime
    status: LegStatus
    # Sourcing's order of preference for the origin tier (empty: any tier).
    tier_preference: tuple[Tier, ...]
    kind: LegKind
    # When sourcing routed it: no fill can have happened on this leg before then.
    routed_at: datetime | None = None
    # The offer's origin, for a leg backed by an offer: a fill must come from there.
    origin_country: str | None = None
    # Origins the leg's phase excludes (the policy it was routed under): no fill from them.
    excluded_origins: frozenset[str] = frozenset()
    # Held by fills awaiting a program admin's approval (beyond the price tolerance):
    # not filled yet, and not available to another fill or a decline either.
    pending_quantity: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        problems = [
            identifier_problem(self.leg_id, "leg_id"),
            identifier_problem(self.order_id, "order_id"),
            identifier_problem(self.trader_id, "trader_id"),
            identifier_problem(self.mineral, "mineral"),
            amount_problem(self.quantity, "quantity"),
            amount_problem(self.filled_quantity, "filled_quantity", allow_zero=True),
            amount_problem(self.pending_quantity, "pending_quantity", allow_zero=True),
        ]
        if self.limit_price is not None:
            problems.append(amount_problem(self.limit_price, "limit_price"))
        first = next((p for p in problems if p is not None), None)
        if first is not None:
            raise ValueError(first)
        require_aware(self.deadline, "deadline")
        if self.routed_at is not None:
            require_aware(self.routed_at, "routed_at")
        if self.filled_quantity > self.quantity:
            raise ValueError("filled_quantity exceeds quantity")
        if self.filled_quantity + self.pending_quantity > self.quantity:
            raise ValueError("filled and pending quantities exceed quantity")
        for country in (self.origin_country, *self.excluded_origins):
            if country is not None and normalise_country(country) != country:
                raise ValueError(f"origin {country!r} is not an upper-case ISO 3166 code")
        self._check_status_matches_quantities()

    def _check_status_matches_quantities(self) -> None:
        complete = self.filled_quantity == self.quantity
        if complete != (self.status is LegStatus.FILLED):
            raise ValueError("a leg is filled exactly when its whole quantity is filled")
        if self.status is LegStatus.OPEN and self.filled_quantity != 0:
            raise ValueError("an open leg with fills must be partially_filled")
        if self.status is LegStatus.PARTIALLY_FILLED and self.filled_quantity == 0:
            raise ValueError("a partially_filled leg needs a fill")

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.filled_quantity

    @property
    def available(self) -> Decimal:
        """What a new fill may take: what is left, less what pending fills hold."""
        return self.remaining - self.pending_quantity

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def status_at(self, now: datetime) -> LegStatus:
        """The status the trader sees: an open leg past its deadline is expired, whatever
        sourcing has said yet (sourcing owns the cascade; the gateway only stops fills).
        At the deadline itself a fill is still on time, so the leg is still open."""
        if self.is_open and now > self.deadline:
            return LegStatus.EXPIRED
        return self.status


_KG_PER_TONNE = Decimal(1000)
_STEP = Decimal("0.000001")


def limit_per_unit(amount: Decimal, per: Unit, unit: Unit) -> Decimal:
    """A limit price quoted per ``per``, as USD per ``unit`` (what fills are checked in).

    Converting per-tonne to per-kilogram rounds down: a limit may only get stricter.
    """
    if per is unit:
        return amount
    if unit is Unit.TONNE:
        return amount * _KG_PER_TONNE
    converted = (amount / _KG_PER_TONNE).quantize(_STEP, rounding=ROUND_FLOOR)
    if converted <= 0:
        raise UnusableLeg("the limit price rounds to zero per kg")
    return converted


def route_leg(
    *,
    leg_id: str,
    order_id: str,
    trader_id: str,
    mineral: str,
    unit: Unit,
    quantity: Decimal,
    limit: tuple[Decimal, Unit] | None,
    deadline: datetime,
    tier_preference: tuple[Tier, ...],
    kind: LegKind,
    routed_at: datetime,
    origin_country: str | None = None,
    excluded_origins: frozenset[str] = frozenset(),
) -> Leg:
    """A leg as sourcing routes it: open, nothing filled, limited per its own unit.

    Raises ``UnusableLeg`` for a leg no trader could act on.
    """
    try:
        return Leg(
            leg_id=leg_id,
            order_id=order_id,
            trader_id=trader_id,
            mineral=mineral,
            unit=unit,
            quantity=quantity,
            filled_quantity=Decimal(0),
            limit_price=None if limit is None else limit_per_unit(limit[0], limit[1], unit),
            deadline=deadline,
            status=LegStatus.OPEN,
            tier_preference=tier_preference,
            kind=kind,
            routed_at=routed_at,
            origin_country=None if origin_country is None else origin_country.upper(),
            excluded_origins=frozenset(c.upper() for c in excluded_origins),
        )
    except UnusableLeg:
        raise
    except ValueError as error:
        raise UnusableLeg(str(error)) from None
