"""Checks on the plain values traders send: amounts, identifiers, countries, times.

Each check returns a message (or a normalised value) rather than raising, so the
rule modules can turn a problem into a refusal with the right code.
"""

from datetime import datetime
from decimal import Decimal

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


def require_aware(value: datetime, name: str) -> None:
    """Guard for times supplied by our own code, where naivety is a programming error."""
    if not is_aware(value):
        raise ValueError(f"{name} must be a timezone-aware datetime")


def matches_name(left: str, right: str) -> bool:
    """Catalogue names compared the way a person reads them, ignoring case."""
    return left.casefold() == right.casefold()
