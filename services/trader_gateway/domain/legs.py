"""The gateway's view of a leg: the part of a procurement request routed to one trader."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from services.trader_gateway.domain.values import (
    amount_problem,
    identifier_problem,
    require_aware,
)


class LegStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset({LegStatus.OPEN, LegStatus.PARTIALLY_FILLED})


class Unit(StrEnum):
    # The contracts' and the catalogue's spelling, so no mapping layer can mix them up.
    TONNE = "t"
    KILOGRAM = "kg"


class Tier(StrEnum):
    DOMESTIC = "domestic"
    ALLIED = "allied"
    OTHER = "other"


class LegKind(StrEnum):
    # Backed by an offer the trader published, or a mandate to find the material.
    OFFER_BACKED = "offer"
    MANDATE = "mandate"


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
    limit_price: Decimal | None
    deadline: datetime
    status: LegStatus
    # Sourcing's order of preference for the origin tier (empty: any tier).
    tier_preference: tuple[Tier, ...]
    kind: LegKind
    # When sourcing routed it: no fill can have happened on this leg before then.
    routed_at: datetime | None = None

    def __post_init__(self) -> None:
        problems = [
            identifier_problem(self.leg_id, "leg_id"),
            identifier_problem(self.order_id, "order_id"),
            identifier_problem(self.trader_id, "trader_id"),
            identifier_problem(self.mineral, "mineral"),
            amount_problem(self.quantity, "quantity"),
            amount_problem(self.filled_quantity, "filled_quantity", allow_zero=True),
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
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
