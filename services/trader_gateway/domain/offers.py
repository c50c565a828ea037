"""What a trader can supply: drafting, publishing, updating and withdrawing offers.

Each check takes the offer as it stands and returns the offer it becomes, and
whether sourcing must hear of it (an update to the same terms tells it nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from services.trader_gateway.domain.traders import TraderRegistration
from services.trader_gateway.domain.values import (
    Refusal,
    RefusalCode,
    identifier_problem,
    is_aware,
    terms_refusal,
)
from shared.catalogue import Catalogue
from shared.contracts import Unit, require_aware

# Beyond this horizon a price is a guess, and a stale offer would keep routing legs.
MAX_OFFER_VALIDITY = timedelta(days=180)


class OfferStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class OfferProposal:
    """A new offer as the trader words it: a catalogue mineral, amounts in stated units."""

    mineral: str
    origin_country: str
    quantity: Decimal
    quantity_unit: Unit
    unit_price: Decimal
    price_per: Unit
    warehouse_id: str
    available_on: date
    valid_until: datetime


@dataclass(frozen=True, slots=True)
class OfferDraft:
    """A new offer as the trader sends it; the owner comes from authentication, never the body."""

    offer_id: str
    mineral: str
    market: str
    origin_country: str
    unit: Unit
    quantity: Decimal
    unit_price: Decimal
    warehouse_id: str
    valid_until: datetime
    # When the material can be delivered from the warehouse (sourcing plans deadlines on it).
    available_on: date


@dataclass(frozen=True, slots=True)
class OfferChanges:
    """The fields a trader may change. Mineral, market and origin define the offer itself:
    changing them is a new offer."""

    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    warehouse_id: str | None = None
    valid_until: datetime | None = None
    available_on: date | None = None


@dataclass(frozen=True, slots=True)
class Offer:
    offer_id: str
    trader_id: str
    mineral: str
    market: str
    origin_country: str
    unit: Unit
    quantity: Decimal
    unit_price: Decimal
    warehouse_id: str
    valid_until: datetime
    available_on: date
    status: OfferStatus = OfferStatus.ACTIVE

    def status_at(self, now: datetime) -> str:
        """As traders see it: an active offer past its validity is expired (it routes no leg)."""
        if self.status is OfferStatus.ACTIVE and self.valid_until <= now:
            return "expired"
        return self.status.value


@dataclass(frozen=True, slots=True)
class OfferAccepted:
    offer: Offer
    changed: bool = True  # False: the same terms again, nothing new to tell sourcing


@dataclass(frozen=True, slots=True)
class OfferRefused(Refusal):
    pass


OFFER_NOT_FOUND = OfferRefused(RefusalCode.NOT_FOUND, "offer not found")
NOT_REGISTERED = OfferRefused(RefusalCode.FORBIDDEN, "this trader is not registered")


def draft_offer(
    catalogue: Catalogue, offer_id: str, proposal: OfferProposal
) -> OfferDraft | OfferRefused:
    """An offer on a catalogue mineral, placed in its market and quoted in its unit."""
    entry = catalogue.get(proposal.mineral)
    if entry is None:
        return OfferRefused(
            RefusalCode.VALIDATION, f"unknown mineral {proposal.mineral!r}", "mineral"
        )
    unit = Unit(entry.unit.value)
    refusal = _unit_refusal(unit, proposal.quantity_unit, proposal.price_per)
    if refusal is not None:
        return refusal
    return OfferDraft(
        offer_id=offer_id,
        mineral=entry.id,
        market=entry.market,
        origin_country=proposal.origin_country,
        unit=unit,
        quantity=proposal.quantity,
        unit_price=proposal.unit_price,
        warehouse_id=proposal.warehouse_id,
        valid_until=proposal.valid_until,
        available_on=proposal.available_on,
    )


def check_publish(
    draft: OfferDraft, trader: TraderRegistration, now: datetime
) -> OfferAccepted | OfferRefused:
    require_aware(now, "now")
    refusal = _market_refusal(draft.market, trader) or _content_refusal(draft, now)
    if refusal is not None:
        return refusal
    offer = Offer(
        offer_id=draft.offer_id,
        trader_id=trader.trader_id,
        mineral=draft.mineral,
        market=draft.market,
        origin_country=draft.origin_country.upper(),
        unit=draft.unit,
        quantity=draft.quantity,
        unit_price=draft.unit_price,
        warehouse_id=draft.warehouse_id,
        valid_until=draft.valid_until,
        available_on=draft.available_on,
    )
    return OfferAccepted(offer)


def check_update(
    offer: Offer | None,
    changes: OfferChanges,
    trader: TraderRegistration,
    now: datetime,
    *,
    units: tuple[Unit, Unit] | None = None,
) -> OfferAccepted | OfferRefused:
    """``units``: the quantity's and the price's, as the trader stated them."""
    require_aware(now, "now")
    if offer is None or offer.trader_id != trader.trader_id:
        return OFFER_NOT_FOUND
    if offer.status is not OfferStatus.ACTIVE:
        return OfferRefused(RefusalCode.OFFER_NOT_ACTIVE, f"offer is {offer.status}")
    if changes == OfferChanges():
        return OfferRefused(RefusalCode.VALIDATION, "the update changes nothing")
    updated = replace(
        offer,
        quantity=offer.quantity if changes.quantity is None else changes.quantity,
        unit_price=offer.unit_price if changes.unit_price is None else changes.unit_price,
        warehouse_id=offer.warehouse_id if changes.warehouse_id is None else changes.warehouse_id,
        valid_until=offer.valid_until if changes.valid_until is None else changes.valid_until,
        available_on=offer.available_on if changes.available_on is None else changes.available_on,
    )
    # A trader dropped from a market keeps no right to re-price its offers there.
    refusal = _market_refusal(offer.market, trader) or _content_refusal(updated, now)
    if refusal is None and units is not None:
        refusal = _unit_refusal(offer.unit, *units)
    if refusal is not None:
        return refusal
    return OfferAccepted(updated, changed=updated != offer)


def check_withdraw(
    offer: Offer | None, trader_id: str, now: datetime
) -> OfferAccepted | OfferRefused:
    """Withdrawal needs no market registration: a trader can always take its supply back."""
    require_aware(now, "now")
    if offer is None or offer.trader_id != trader_id:
        return OFFER_NOT_FOUND
    if offer.status is not OfferStatus.ACTIVE:
        return OfferRefused(RefusalCode.OFFER_NOT_ACTIVE, f"offer is {offer.status}")
    return OfferAccepted(replace(offer, status=OfferStatus.WITHDRAWN))


def _unit_refusal(unit: Unit, quantity_unit: Unit, price_per: Unit) -> OfferRefused | None:
    for name, given in (("quantity.unit", quantity_unit), ("unit_price.per", price_per)):
        if given is not unit:
            return OfferRefused(
                RefusalCode.UNIT_MISMATCH,
                f"this mineral is quoted in {unit}; {name} must be {unit}",
                name,
                (("unit", unit.value),),
            )
    return None


def _market_refusal(market: str, trader: TraderRegistration) -> OfferRefused | None:
    if market in trader.markets:
        return None
    return OfferRefused(
        RefusalCode.MARKET_NOT_REGISTERED,
        "this trader is not registered for that market",
        "market",
    )


def _content_refusal(offer: OfferDraft | Offer, now: datetime) -> OfferRefused | None:
    for name in ("offer_id", "mineral", "warehouse_id"):
        problem = identifier_problem(getattr(offer, name), name)
        if problem is not None:
            return OfferRefused(RefusalCode.VALIDATION, problem, name)
    refusal = terms_refusal(OfferRefused, offer.quantity, offer.unit_price, offer.origin_country)
    if refusal is not None:
        return refusal
    return _validity_refusal(offer.valid_until, now) or _availability_refusal(offer)


def _availability_refusal(offer: OfferDraft | Offer) -> OfferRefused | None:
    # Compared in the offer's own offset: that is the calendar the trader quoted in.
    if offer.available_on > offer.valid_until.date():
        return OfferRefused(
            RefusalCode.VALIDATION,
            "available_on must not be after valid_until",
            "available_on",
        )
    return None


def _validity_refusal(valid_until: datetime, now: datetime) -> OfferRefused | None:
    if not is_aware(valid_until):
        message = "valid_until must include a timezone offset"
    elif valid_until <= now:
        message = "valid_until must be in the future"
    elif valid_until > now + MAX_OFFER_VALIDITY:
        message = f"valid_until may be at most {MAX_OFFER_VALIDITY.days} days ahead"
    else:
        return None
    return OfferRefused(RefusalCode.INVALID_VALID_UNTIL, message, "valid_until")
