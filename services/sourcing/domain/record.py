"""The decision record: what was taken, what was passed over and why, what is open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from services.sourcing.domain.eligibility import Exclusions
from services.sourcing.domain.exceptions import Approval
from services.sourcing.domain.legs import Leg, MandateLeg, OfferLeg
from shared.contracts import Phase, Tier


class Outcome(StrEnum):
    TAKEN = "taken"
    PASSED_OVER = "passed_over"
    """Eligible, but the waterfall covered the request before reaching it."""
    INELIGIBLE = "ineligible"


class Consideration(NamedTuple):
    """One offer of the book and what this decision did with it.

    `rank` is its place in the waterfall (1 = first), None when ineligible.
    `reason` says why it was passed over or ineligible; for a taken offer it may
    carry a note (a domestic offer taken beyond the premium cap). A named tuple,
    not a dataclass: a decision builds one per offer of its mineral.
    """

    offer_id: str
    trader_id: str
    origin_country: str
    tier: Tier
    unit_price: Decimal
    available_on: date
    outcome: Outcome
    rank: int | None = None
    quantity_taken: Decimal = Decimal(0)
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenRemainder:
    """Quantity neither offers nor specialists could take yet; retried on new offers."""

    quantity: Decimal
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """Everything one allocation decided, in a form that can be stored and read back.

    `winning_tier` is the tier that supplied the most offer quantity (ties go to
    the preferred tier); None when no offer was taken.
    """

    request_id: str
    mineral: str
    market: str
    phase: Phase
    policy_version: str
    quantity: Decimal
    """What this decision set out to place: the request, its open rest, or a cascaded remainder."""
    offer_legs: tuple[OfferLeg, ...]
    mandate_legs: tuple[MandateLeg, ...]
    considerations: tuple[Consideration, ...]
    winning_tier: Tier | None
    tier_quantities: tuple[tuple[Tier, Decimal], ...]
    best_allied_price: Decimal | None
    domestic_price_cap: Decimal | None
    open_remainder: OpenRemainder | None
    exclusions: Exclusions
    cascaded_from: str | None
    """The failed leg whose remainder this decision routed, if any."""
    next_sequence: int
    """The sequence the next leg of this request must use."""
    approvals: tuple[Approval, ...] = ()
    """The policy exceptions approved for the order that this decision could use."""

    @property
    def legs(self) -> tuple[Leg, ...]:
        """Offer legs then mandates: the order of their sequence numbers."""
        return (*self.offer_legs, *self.mandate_legs)

    @property
    def placed(self) -> Decimal:
        return sum((leg.quantity for leg in self.legs), Decimal(0))

    def consideration(self, offer_id: str) -> Consideration:
        for item in self.considerations:
            if item.offer_id == offer_id:
                return item
        raise KeyError(offer_id)
