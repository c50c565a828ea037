"""Reading a demand as its sender wrote it: untrusted JSON values into a ``DemandInput``.

Pure, like the domain. Every field must be text (decimals travel as text so no
digit is lost), amounts plain decimal numbers, the date ``YYYY-MM-DD``. A field
that cannot be read is named with its reason, and the domain reports that beside
whatever else is wrong, so the sender hears everything at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar, get_args

from services.demand.domain.values import (
    DemandField,
    DemandInput,
    DemandKey,
    Reason,
    RejectionCode,
    demand_fingerprint,
)
from shared.contracts.demand import TEXT_MAX_LENGTH, DemandKind

Code = RejectionCode
T = TypeVar("T")

# ASCII digits only: Python's \d and Decimal() also take other scripts' digits.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_KINDS: tuple[DemandKind, ...] = get_args(DemandKind)
_ECHO_LIMIT = 40


@dataclass(frozen=True, slots=True)
class Submission:
    """A demand as read: values where they could be read, stand-ins and reasons where not."""

    demand: DemandInput
    kind: DemandKind
    unreadable: Mapping[DemandField, Reason]

    @property
    def key(self) -> DemandKey | None:
        """Who asks; without both ids no answer can be addressed to the sender."""
        if "manufacturer_id" in self.unreadable or "request_id" in self.unreadable:
            return None
        return self.demand.key

    @property
    def fingerprint(self) -> str | None:
        """What is asked for, when all of it could be read (the kind is not part of it)."""
        content = ("mineral", "quantity", "unit", "deliver_by", "max_unit_price")
        if any(field in self.unreadable for field in content):
            return None
        return demand_fingerprint(self.demand)


def read_submission(payload: Mapping[str, object]) -> Submission:
    """Read a JSON object's demand fields; never raises, whatever the values are."""
    manufacturer_id = _text(payload, "manufacturer_id")
    request_id = _text(payload, "request_id")
    mineral = _text(payload, "mineral")
    quantity = _decimal(payload, "quantity", Code.QUANTITY_NOT_A_NUMBER)
    unit = _text(payload, "unit")
    deliver_by = _date(payload)
    max_unit_price = _price(payload)
    kind = _kind(payload)
    read = (manufacturer_id, request_id, mineral, quantity, unit, deliver_by, max_unit_price, kind)
    unreadable = {value.field: value for value in read if isinstance(value, Reason)}
    demand = DemandInput(
        manufacturer_id=_or(manufacturer_id, ""),
        request_id=_or(request_id, ""),
        mineral=_or(mineral, ""),
        quantity=_or(quantity, Decimal(0)),
        unit=_or(unit, ""),
        deliver_by=_or(deliver_by, date.min),
        max_unit_price=_or(max_unit_price, None),
    )
    return Submission(demand, _or(kind, "procurement"), unreadable)


def _or(value: T | Reason, stand_in: T) -> T:
    """The value read, or a stand-in the domain will not look at (the field is unreadable)."""
    return stand_in if isinstance(value, Reason) else value


def _text(payload: Mapping[str, object], field: DemandField) -> str | Reason:
    value = payload.get(field)
    if value is None:
        return Reason(Code.MISSING, f"{field} is missing", field)
    return _as_text(value, field)


def _as_text(value: object, field: DemandField) -> str | Reason:
    if not isinstance(value, str):
        message = f"{field} must be text (a JSON string), got {_json_kind(value)}"
        if _is_number(value):
            message += "; numbers travel as text, e.g. '120.5', so that no digit is lost"
        return Reason(Code.NOT_TEXT, message, field)
    if not _is_unicode(value):
        # Never stored, logged or echoed: it cannot be written as UTF-8.
        message = (
            f"{field} holds a lone surrogate escape (\\ud800 to \\udfff), which is no "
            "character; send Unicode text"
        )
        return Reason(Code.NOT_UNICODE, message, field)
    if len(value) > TEXT_MAX_LENGTH:
        message = f"{field} is {len(value)} characters long; at most {TEXT_MAX_LENGTH} are read"
        return Reason(Code.TOO_LONG, message, field)
    return value


def _decimal(
    payload: Mapping[str, object], field: DemandField, not_a_number: RejectionCode
) -> Decimal | Reason:
    text = _text(payload, field)
    if isinstance(text, Reason):
        return text
    return _parse_decimal(text, field, not_a_number)


def _parse_decimal(text: str, field: DemandField, not_a_number: RejectionCode) -> Decimal | Reason:
    if not _DECIMAL.fullmatch(text.strip()):
        message = f"{field} must be a decimal number such as '120.5', got {_quoted(text)}"
        return Reason(not_a_number, message, field)
    return Decimal(text.strip())


def _price(payload: Mapping[str, object]) -> Decimal | Reason | None:
    value = payload.get("max_unit_price")
    if value is None:  # absent or null: no price limit
        return None
    text = _as_text(value, "max_unit_price")
    if isinstance(text, Reason):
        return text
    if not text.strip():
        message = "max_unit_price is empty; leave it out (or null) for no price limit"
        return Reason(Code.MAX_UNIT_PRICE_NOT_A_NUMBER, message, "max_unit_price")
    return _parse_decimal(text, "max_unit_price", Code.MAX_UNIT_PRICE_NOT_A_NUMBER)


def _date(payload: Mapping[str, object]) -> date | Reason:
    text = _text(payload, "deliver_by")
    if isinstance(text, Reason):
        return text
    if _DATE.fullmatch(text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:  # 2025-02-30 and the like
            pass
    message = f"deliver_by must be a calendar date written YYYY-MM-DD, got {_quoted(text)}"
    return Reason(Code.DELIVER_BY_NOT_A_DATE, message, "deliver_by")


def _kind(payload: Mapping[str, object]) -> DemandKind | Reason:
    value = payload.get("kind")
    if value is None:
        return "procurement"
    for kind in _KINDS:
        if value == kind:
            return kind
    shown = _quoted(value) if isinstance(value, str) else _json_kind(value)
    message = f"kind must be {' or '.join(_KINDS)}, got {shown}"
    return Reason(Code.UNKNOWN_KIND, message, "kind")


def _is_number(value: object) -> bool:
    # Integers too long for pydantic's parser arrive as Decimal (``shared.codec.tolerant_json``).
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if _is_number(value):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _quoted(text: str) -> str:
    # repr() escapes control characters, so a hostile value cannot forge log lines.
    return repr(text if len(text) <= _ECHO_LIMIT else text[:_ECHO_LIMIT] + "...")


def sender_may_submit(sender: str | None, manufacturer_id: str) -> bool:
    """Whether a demand naming ``manufacturer_id`` may be taken from ``sender``'s own intake
    (None: the shared intake of plaintext local development, which attests nobody)."""
    return sender is None or sender == manufacturer_id
