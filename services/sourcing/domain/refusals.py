"""Checks on what arrives from other systems, before it can touch an order or the book.

Each returns None when the input is acceptable, else the reason it is refused:
the handler dead-letters a refused event with that reason, for ops to see. A leg's
fills and closings are not judged here: the gateway owns them and judged them
(``learning``); sourcing never refuses what the owner confirmed.
"""

from __future__ import annotations

from datetime import datetime

from shared.catalogue import Catalogue
from shared.contracts import (
    OfferPublished,
    PhaseSet,
    ProcurementRequested,
    TraderRegistered,
    UnitPrice,
)


def request_refusal(request: ProcurementRequested, catalogue: Catalogue) -> str | None:
    return _off_catalogue(request, catalogue, (request.limit_price, "limit price"), "ordered")


def offer_refusal(offer: OfferPublished, catalogue: Catalogue) -> str | None:
    return _off_catalogue(offer, catalogue, (offer.unit_price, "unit price"), "offered")


def _off_catalogue(
    asked: ProcurementRequested | OfferPublished,
    catalogue: Catalogue,
    price: tuple[UnitPrice | None, str],
    verb: str,
) -> str | None:
    """Why a quantity of a mineral at a price is not what the catalogue trades, or None."""
    mineral = catalogue.get(asked.mineral)
    if mineral is None:
        return f"mineral {asked.mineral!r} is not in the catalogue"
    if asked.market != mineral.market:
        return f"{mineral.id} trades in market {mineral.market}, not {asked.market}"
    if asked.quantity.unit != mineral.unit:
        return f"{mineral.id} is {verb} in {mineral.unit}, not {asked.quantity.unit}"
    return _price_unit_refusal(*price, mineral.unit)


def phase_refusal(change: PhaseSet, effective_at: datetime, catalogue: Catalogue) -> str | None:
    if change.mineral not in catalogue:
        return f"mineral {change.mineral!r} is not in the catalogue"
    if effective_at.tzinfo is None:
        return "effective_at must carry a time zone"
    return None


def trader_refusal(trader: TraderRegistered, catalogue: Catalogue) -> str | None:
    # A misspelt market would leave the trader silently without legs: refuse it loudly.
    unknown = sorted(set(trader.markets) - set(catalogue.markets))
    if unknown:
        return f"markets not in the catalogue: {unknown}"
    return None


def _price_unit_refusal(price: UnitPrice | None, what: str, unit: str) -> str | None:
    if price is not None and price.per != unit:
        return f"{what} is per {price.per}; the mineral is traded per {unit}"
    return None
