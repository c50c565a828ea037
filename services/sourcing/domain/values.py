"""Checks and wordings the sourcing rules are written in.

The values shared with other services (``Tier``, ``Phase``, ``Unit``, ``require_aware``)
are the contracts' own, in ``shared.contracts``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from services.sourcing.domain.errors import InvalidValue
from shared.contracts import Tier, Unit

TIER_PREFERENCE: tuple[Tier, ...] = (Tier.DOMESTIC, Tier.ALLIED, Tier.OTHER)
"""Tiers in the order the replenishment waterfall prefers them."""

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


def require_text(value: str, what: str) -> str:
    if not value.strip():
        raise InvalidValue(f"{what} must not be blank")
    return value


def require_country(value: str, what: str) -> str:
    if not _COUNTRY.fullmatch(value):
        raise InvalidValue(f"{what} must be an upper-case ISO-3166 alpha-2 code, got {value!r}")
    return value


def plain_number(value: Decimal) -> str:
    """A decimal as the shortest plain text ("40", "0.5"): how records and reasons write it."""
    return f"{value.normalize():f}"


def format_quantity(quantity: Decimal, unit: Unit) -> str:
    return f"{plain_number(quantity)} {unit}"


def format_price(price: Decimal) -> str:
    return f"{price:.2f}"


def format_percent(fraction: Decimal) -> str:
    percent = (fraction * 100).quantize(Decimal("0.1"))
    text = f"{percent:f}"
    return f"{text.removesuffix('.0')}%"
