"""Plain values and checks the sourcing rules are written in."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from services.sourcing.domain.errors import InvalidValue


class Tier(StrEnum):
    DOMESTIC = "domestic"
    ALLIED = "allied"
    OTHER = "other"


TIER_PREFERENCE: tuple[Tier, ...] = (Tier.DOMESTIC, Tier.ALLIED, Tier.OTHER)
"""Tiers in the order the replenishment waterfall prefers them."""


class Phase(StrEnum):
    INITIAL_FILL = "initial_fill"
    """Availability first: material from any origin, soonest then cheapest."""
    REPLENISHMENT = "replenishment"
    """The tier waterfall: domestic (within the premium cap), allied, then other."""


class Unit(StrEnum):
    TONNE = "t"
    KILOGRAM = "kg"


_COUNTRY = re.compile(r"[A-Z]{2}")


def require_decimal(value: object, what: str, *, positive: bool = True) -> Decimal:
    # Checked at runtime as well as by mypy: values arrive from deserialised
    # events, and one float turns an exact allocation into a drifting one.
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidValue(f"{what} must be a finite Decimal, got {value!r}")
    if positive and value <= 0:
        raise InvalidValue(f"{what} must be positive, got {value}")
    if not positive and value < 0:
        raise InvalidValue(f"{what} must not be negative, got {value}")
    return value


def require_aware(value: datetime, what: str) -> datetime:
    # Offer validity is compared with the clock of another system; a naive time
    # cannot be compared with an aware one, nor placed reliably.
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(f"{what} must carry a time zone, got {value.isoformat()}")
    return value


def require_text(value: str, what: str) -> str:
    if not value.strip():
        raise InvalidValue(f"{what} must not be blank")
    return value


def require_country(value: str, what: str) -> str:
    if not _COUNTRY.fullmatch(value):
        raise InvalidValue(f"{what} must be an upper-case ISO-3166 alpha-2 code, got {value!r}")
    return value


def format_quantity(quantity: Decimal, unit: Unit) -> str:
    return f"{quantity.normalize():f} {unit}"


def format_price(price: Decimal) -> str:
    return f"{price:.2f}"


def format_percent(fraction: Decimal) -> str:
    percent = (fraction * 100).quantize(Decimal("0.1"))
    text = f"{percent:f}"
    return f"{text.removesuffix('.0')}%"
