"""The gateway's vocabulary: why something is refused, and checks on the plain values traders send.

Refusal codes are part of the public API: clients branch on them, so they are stable
lower_snake_case strings, never renamed, only added. Which HTTP status each one is
answered with is the API's business (``api/refusals.py``), not the rules'.

Each value check returns a message (or a normalised value) rather than raising, so
the rule modules can turn a problem into a refusal with the right code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar


class RefusalCode(StrEnum):
    VALIDATION = "validation"
    NOT_FOUND = "not_found"
    UNAUTHORISED = "unauthorised"
    FORBIDDEN = "forbidden"
    # Legs: fills and declines.
    LEG_NOT_OPEN = "leg_not_open"
    DEADLINE_PASSED = "deadline_passed"
    INVALID_QUANTITY = "invalid_quantity"
    OVER_FILL = "over_fill"
    INVALID_PRICE = "invalid_price"
    PRICE_ABOVE_LIMIT = "price_above_limit"
    MINERAL_MISMATCH = "mineral_mismatch"
    UNIT_MISMATCH = "unit_mismatch"
    FILLED_AT_IN_FUTURE = "filled_at_in_future"
    FILLED_AT_BEFORE_LEG = "filled_at_before_leg"
    INVALID_ORIGIN_COUNTRY = "invalid_origin_country"
    ORIGIN_MISMATCH = "origin_mismatch"
    ORIGIN_EXCLUDED = "origin_excluded"
    BATCH_TOO_LARGE = "batch_too_large"
    INVALID_REASON = "invalid_reason"
    DECLINE_QUANTITY_MISMATCH = "decline_quantity_mismatch"
    FILL_PENDING = "fill_pending"
    NOT_PENDING = "not_pending"
    # Offers.
    MARKET_NOT_REGISTERED = "market_not_registered"
    INVALID_VALID_UNTIL = "invalid_valid_until"
    OFFER_NOT_ACTIVE = "offer_not_active"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request was refused, in words a trader's developer can act on.

    `field` names the offending input where there is one; `extensions` become
    extra members of the problem document (e.g. how much is left). Messages never
    echo secrets and never reveal other traders' data.
    """

    code: RefusalCode
    message: str
    field: str | None = None
    extensions: tuple[tuple[str, str], ...] = ()


R = TypeVar("R", bound=Refusal)


def terms_refusal(
    refused: type[R], quantity: object, unit_price: object, origin_country: object
) -> R | None:
    """What is wrong with the terms of a supply (how much, at what price, from where), as
    a refusal of the kind given; None if they are usable. Fills and offers share them."""
    problem = amount_problem(quantity, "quantity")
    if problem is not None:
        return refused(RefusalCode.INVALID_QUANTITY, problem, "quantity")
    problem = amount_problem(unit_price, "unit_price")
    if problem is not None:
        return refused(RefusalCode.INVALID_PRICE, problem, "unit_price")
    if normalise_country(origin_country) is None:
        return refused(
            RefusalCode.INVALID_ORIGIN_COUNTRY,
            "origin_country must be an ISO 3166-1 alpha-2 code such as 'AU'",
            "origin_country",
        )
    return None


MAX_DECIMAL_PLACES = 6
# With at most six places and a magnitude below 10**15, any sum or difference of two
# amounts needs at most 22 digits, inside the default 28-digit context: arithmetic on
# quantities is exact, so rounding can never let a fill creep past what is left.
MAX_AMOUNT = Decimal(10) ** 15
_STEP = Decimal(1).scaleb(-MAX_DECIMAL_PLACES)

MAX_IDENTIFIER_LENGTH = 128
_TEXT_CONTROLS_ALLOWED = frozenset("\n\r\t")


def amount_problem(value: object, name: str, *, allow_zero: bool = False) -> str | None:
    """What is wrong with a quantity or price, or None if it is usable."""
    # Callers are typed, but values arrive from parsed JSON: a float must never pass.
    if not isinstance(value, Decimal):
        return f"{name} must be a decimal number"
    if not value.is_finite():
        return f"{name} must be a finite number"
    if value < 0 or (value == 0 and not allow_zero):
        return f"{name} must be greater than zero"
    if value >= MAX_AMOUNT:
        return f"{name} must be less than {MAX_AMOUNT:,}"
    if value.quantize(_STEP) != value:
        return f"{name} must have at most {MAX_DECIMAL_PLACES} decimal places"
    return None


def identifier_problem(value: object, name: str) -> str | None:
    """What is wrong with an id or reference, or None if it is usable."""
    if not isinstance(value, str) or not value:
        return f"{name} is required"
    if len(value) > MAX_IDENTIFIER_LENGTH:
        return f"{name} must be at most {MAX_IDENTIFIER_LENGTH} characters"
    # isprintable() also rejects bidi overrides and zero-width characters, which would
    # let two references look identical to an operator while differing in storage.
    if not value.isprintable() or value != value.strip():
        return f"{name} must be printable text without leading or trailing spaces"
    return None


def text_problem(value: object, name: str, *, max_length: int) -> str | None:
    """What is wrong with free text (line breaks allowed), or None if it is usable."""
    if not isinstance(value, str) or not value.strip():
        return f"{name} is required"
    if len(value.strip()) > max_length:
        return f"{name} must be at most {max_length} characters"
    if not all(ch.isprintable() or ch in _TEXT_CONTROLS_ALLOWED for ch in value):
        return f"{name} must not contain control or invisible formatting characters"
    return None


def normalise_country(value: object) -> str | None:
    """An ISO 3166-1 alpha-2 code in upper case, or None if the value is malformed.

    Only the shape is checked here: whether the code is assigned, and which tier it
    maps to, is data in the program's country table, not code.
    """
    if isinstance(value, str) and len(value) == 2 and value.isascii() and value.isalpha():
        return value.upper()
    return None


def is_aware(value: object) -> bool:
    return isinstance(value, datetime) and value.utcoffset() is not None


def matches_name(left: str, right: str) -> bool:
    """Catalogue names compared the way a person reads them, ignoring case."""
    return left.casefold() == right.casefold()
