"""What a trader can supply: publishing, updating and withdrawing offers."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from services.trader_gateway.domain.legs import Unit
from services.trader_gateway.domain.refusals import Refusal, RefusalCode
from services.trader_gateway.domain.values import (
    amount_problem,
    identifier_problem,
    is_aware,
    normalise_country,
    require_aware,
)

# Beyond this horizon a price is a guess, and a stale offer would keep routing legs.
MAX_OFFER_VALIDITY = timedelta(days=180)


class OfferStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class TraderRegistration:
    """Which markets a trading house is registered for: data ops maintain."""

    trader_id: str
    markets: frozenset[str]


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


@dataclass(frozen=True, slots=True)
class OfferAccepted:
    offer: Offer


@dataclass(frozen=True, slots=True)
class OfferRefused(Refusal):
    pass


OFFER_NOT_FOUND = OfferRefused(RefusalCode.NOT_FOUND, "offer not found")


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
    offer: Offer | None, changes: OfferChanges, trader: TraderRegistration, now: datetime
) -> OfferAccepted | OfferRefused:
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
    if refusal is not None:
        return refusal
    return OfferAccepted(updated)


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
    problem = amount_problem(offer.quantity, "quantity")
    if problem is not None:
        return OfferRefused(RefusalCode.INVALID_QUANTITY, problem, "quantity")
    problem = amount_problem(offer.unit_price, "unit_price")
    if problem is not None:
        return OfferRefused(RefusalCode.INVALID_PRICE, problem, "unit_price")
    if normalise_country(offer.origin_country) is None:
        return OfferRefused(
            RefusalCode.INVALID_ORIGIN_COUNTRY,
            "origin_country must be an ISO 3166-1 alpha-2 code such as 'AU'",
            "origin_country",
        )
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
