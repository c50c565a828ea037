"""Demand intake rules: validate a manufacturer's demand, recognise a resend.

Pure functions over plain values: no I/O, no clock (``today`` is passed in), no
framework. The adapters parse untrusted JSON into ``DemandInput`` (naming the
fields they could not read); nothing here raises on odd text, and every
rejection lists all of its reasons at once, each naming its field.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Literal, NamedTuple

from shared.catalogue import Catalogue, Mineral, Unit

ID_MAX_LENGTH = 64
_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]+")
QUANTITY_DECIMAL_PLACES = 3  # a gram in kg, a kilogram in t
PRICE_DECIMAL_PLACES = 4
# Ten times the dearest price per kg any listed mineral has traded at (rhodium,
# about US$0.95M/kg in 2021), and far above any bulk material per tonne.
MAX_UNIT_PRICE_USD = Decimal("10000000")
MAX_LEAD_TIME_YEARS = 5
# Fixed for ever: order ids derived from it are stored and published.
_ORDER_NAMESPACE = uuid.UUID("8b0ad81a-7a1e-417a-be21-61af1700e28c")

_UNIT_NAMES = {Unit.TONNE: "tonnes", Unit.KILOGRAM: "kilograms"}
_ECHO_LIMIT = 40  # characters of a bad value quoted back in a message
_SUGGEST_LIMIT = 64  # longer input is not worth a fuzzy search


class RejectionCode(StrEnum):
    MANUFACTURER_ID_EMPTY = "manufacturer_id_empty"
    MANUFACTURER_ID_TOO_LONG = "manufacturer_id_too_long"
    MANUFACTURER_ID_MALFORMED = "manufacturer_id_malformed"
    REQUEST_ID_EMPTY = "request_id_empty"
    REQUEST_ID_TOO_LONG = "request_id_too_long"
    REQUEST_ID_MALFORMED = "request_id_malformed"
    UNKNOWN_MINERAL = "unknown_mineral"
    UNKNOWN_UNIT = "unknown_unit"
    WRONG_UNIT = "wrong_unit"
    QUANTITY_NOT_A_NUMBER = "quantity_not_a_number"
    QUANTITY_NOT_POSITIVE = "quantity_not_positive"
    QUANTITY_TOO_LARGE = "quantity_too_large"
    QUANTITY_TOO_PRECISE = "quantity_too_precise"
    DELIVER_BY_NOT_IN_FUTURE = "deliver_by_not_in_future"
    DELIVER_BY_TOO_FAR = "deliver_by_too_far"
    MAX_UNIT_PRICE_NOT_A_NUMBER = "max_unit_price_not_a_number"
    MAX_UNIT_PRICE_NOT_POSITIVE = "max_unit_price_not_positive"
    MAX_UNIT_PRICE_TOO_LARGE = "max_unit_price_too_large"
    MAX_UNIT_PRICE_TOO_PRECISE = "max_unit_price_too_precise"
    # Reading the sender's text failed before any rule could be checked.
    MISSING = "missing"
    NOT_TEXT = "not_text"
    TOO_LONG = "too_long"
    DELIVER_BY_NOT_A_DATE = "deliver_by_not_a_date"
    UNKNOWN_KIND = "unknown_kind"


DemandField = Literal[
    "manufacturer_id",
    "request_id",
    "mineral",
    "quantity",
    "unit",
    "deliver_by",
    "max_unit_price",
    "kind",
]


class Reason(NamedTuple):
    code: RejectionCode
    message: str
    field: DemandField  # which part of the demand is wrong, for the sender's system


class DemandKey(NamedTuple):
    manufacturer_id: str
    request_id: str


@dataclass(frozen=True, slots=True)
class DemandInput:
    """A demand as a manufacturer sent it; any field may be wrong."""

    manufacturer_id: str
    request_id: str
    mineral: str
    quantity: Decimal
    unit: str
    deliver_by: date
    max_unit_price: Decimal | None = None  # USD per unit

    @property
    def key(self) -> DemandKey:
        return DemandKey(self.manufacturer_id, self.request_id)


@dataclass(frozen=True, slots=True)
class AcceptedDemand:
    manufacturer_id: str
    request_id: str
    mineral: str  # catalogue id
    market: str
    quantity: Decimal
    unit: Unit
    deliver_by: date
    max_unit_price: Decimal | None
    fingerprint: str


@dataclass(frozen=True, slots=True)
class RejectedDemand:
    manufacturer_id: str
    request_id: str
    reasons: tuple[Reason, ...]  # never empty


ResendKind = Literal["new", "duplicate", "conflict"]


def validate_demand(
    demand: DemandInput,
    catalogue: Catalogue,
    today: date,
    unreadable: Mapping[DemandField, Reason] = MappingProxyType({}),
) -> AcceptedDemand | RejectedDemand:
    """Accept a demand into its mineral's market, or reject it with every reason that applies.

    ``unreadable`` names the fields the adapter could not read (missing, not text,
    not a number or a date), each with its reason: that reason is reported in place
    of the field's checks, and the field's value in ``demand`` is a stand-in never
    looked at. The other fields are still checked, so the sender hears everything.
    """
    mineral = (
        None if "mineral" in unreadable else catalogue.get(normalise_mineral_id(demand.mineral))
    )
    unit = None if "unit" in unreadable else _UNITS.get(demand.unit.strip().casefold())
    checks: dict[DemandField, Callable[[], list[Reason]]] = {
        "manufacturer_id": lambda: _id_reasons(
            "manufacturer_id", demand.manufacturer_id, _MANUFACTURER_ID_CODES
        ),
        "request_id": lambda: _id_reasons("request_id", demand.request_id, _REQUEST_ID_CODES),
        "mineral": lambda: _mineral_reasons(demand.mineral, catalogue, mineral),
        "unit": lambda: _unit_reasons(demand.unit, unit, mineral),
        "quantity": lambda: _quantity_reasons(demand.quantity, mineral),
        "deliver_by": lambda: _deliver_by_reasons(_as_date(demand.deliver_by), today),
        "max_unit_price": lambda: _price_reasons(demand.max_unit_price, mineral),
        "kind": list,  # the adapter reads the kind; a bad one can only be unreadable
    }
    reasons = [
        reason
        for field, check in checks.items()
        for reason in ([unreadable[field]] if field in unreadable else check())
    ]
    if reasons or mineral is None or unit is None:
        return RejectedDemand(demand.manufacturer_id, demand.request_id, tuple(reasons))
    return AcceptedDemand(
        manufacturer_id=demand.manufacturer_id,
        request_id=demand.request_id,
        mineral=mineral.id,
        market=mineral.market,
        quantity=demand.quantity,
        unit=unit,
        deliver_by=_as_date(demand.deliver_by),
        max_unit_price=demand.max_unit_price,
        fingerprint=demand_fingerprint(demand),
    )


def is_well_formed_id(text: str) -> bool:
    """A manufacturer or request id the rules accept: safe to store and to look up."""
    return 0 < len(text) <= ID_MAX_LENGTH and _ID_PATTERN.fullmatch(text) is not None


def order_id_for(key: DemandKey) -> str:
    """The procurement order a demand becomes: one key, one order id, on any replica, forever.

    A newline cannot occur in a well-formed id, so ("a:b", "c") and ("a", "b:c")
    name different orders.
    """
    return "ord-" + uuid.uuid5(_ORDER_NAMESPACE, "\n".join(key)).hex


def normalise_mineral_id(text: str) -> str:
    """'Metallurgical Coal', ' metallurgical-coal ' -> 'metallurgical_coal'."""
    return "_".join(text.casefold().replace("-", " ").split())


def demand_fingerprint(demand: DemandInput) -> str:
    """A stable hash of what was asked for (not who asked: that is the key).

    Equal demands hash equal however they were written: 10 and 10.00, 'Cobalt'
    and 'cobalt', ' t' and 't'. Stored fingerprints depend on this canonical
    form; changing it turns every later resend into a conflict.
    """
    price = demand.max_unit_price
    canonical = [
        normalise_mineral_id(demand.mineral),
        _canonical_decimal(demand.quantity),
        demand.unit.strip().casefold(),
        _as_date(demand.deliver_by).isoformat(),
        None if price is None else _canonical_decimal(price),
    ]
    text = json.dumps(canonical, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def classify_resend(existing_fingerprint: str | None, new_fingerprint: str) -> ResendKind:
    """Compare a demand with what is stored under the same key.

    "new": nothing stored yet; "duplicate": the same content again (answer as
    before, emit nothing); "conflict": the key was reused for different content.
    """
    if existing_fingerprint is None:
        return "new"
    return "duplicate" if existing_fingerprint == new_fingerprint else "conflict"


class _IdCodes(NamedTuple):
    empty: RejectionCode
    too_long: RejectionCode
    malformed: RejectionCode


class _AmountCodes(NamedTuple):
    not_a_number: RejectionCode
    not_positive: RejectionCode
    too_large: RejectionCode
    too_precise: RejectionCode


_UNITS = {unit.value: unit for unit in Unit}
_MANUFACTURER_ID_CODES = _IdCodes(
    RejectionCode.MANUFACTURER_ID_EMPTY,
    RejectionCode.MANUFACTURER_ID_TOO_LONG,
    RejectionCode.MANUFACTURER_ID_MALFORMED,
)
_REQUEST_ID_CODES = _IdCodes(
    RejectionCode.REQUEST_ID_EMPTY,
    RejectionCode.REQUEST_ID_TOO_LONG,
    RejectionCode.REQUEST_ID_MALFORMED,
)
_QUANTITY_CODES = _AmountCodes(
    RejectionCode.QUANTITY_NOT_A_NUMBER,
    RejectionCode.QUANTITY_NOT_POSITIVE,
    RejectionCode.QUANTITY_TOO_LARGE,
    RejectionCode.QUANTITY_TOO_PRECISE,
)
_PRICE_CODES = _AmountCodes(
    RejectionCode.MAX_UNIT_PRICE_NOT_A_NUMBER,
    RejectionCode.MAX_UNIT_PRICE_NOT_POSITIVE,
    RejectionCode.MAX_UNIT_PRICE_TOO_LARGE,
    RejectionCode.MAX_UNIT_PRICE_TOO_PRECISE,
)


def _id_reasons(field: DemandField, value: str, codes: _IdCodes) -> list[Reason]:
    if not value:
        return [Reason(codes.empty, f"{field} must not be empty", field)]
    reasons: list[Reason] = []
    if len(value) > ID_MAX_LENGTH:
        reasons.append(
            Reason(
                codes.too_long,
                f"{field} is {len(value)} characters long; at most {ID_MAX_LENGTH} allowed",
                field,
            )
        )
    if not _ID_PATTERN.fullmatch(value):
        bad = sorted({char for char in value if not _ID_PATTERN.fullmatch(char)})
        shown = ", ".join(repr(char) for char in bad[:5]) + (", ..." if len(bad) > 5 else "")
        reasons.append(
            Reason(
                codes.malformed,
                f"{field} may use only letters A-Z a-z, digits and . _ : -; found {shown}",
                field,
            )
        )
    return reasons


def _mineral_reasons(text: str, catalogue: Catalogue, mineral: Mineral | None) -> list[Reason]:
    if mineral is not None:
        return []
    close = _close_ids(normalise_mineral_id(text), catalogue.ids)
    hint = f"did you mean {_either(close)}?" if close else "use a catalogue mineral id"
    message = f"unknown mineral {_echo(text)}; {hint}"
    return [Reason(RejectionCode.UNKNOWN_MINERAL, message, "mineral")]


def _close_ids(wanted: str, ids: tuple[str, ...]) -> list[str]:
    """Typos by similarity; 'coal' or 'neodymium_oxide' by a shared whole word."""
    if not 0 < len(wanted) <= _SUGGEST_LIMIT:
        return []
    similar = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.7)
    padded = f"_{wanted}_"
    sharing_a_word = [i for i in ids if f"_{i}_" in padded or padded in f"_{i}_"]
    return list(dict.fromkeys([*similar, *sharing_a_word]))[:3]


def _either(options: list[str]) -> str:
    return options[0] if len(options) == 1 else f"{', '.join(options[:-1])} or {options[-1]}"


def _unit_reasons(text: str, unit: Unit | None, mineral: Mineral | None) -> list[Reason]:
    if mineral is not None and unit is not mineral.unit:
        expected = f"{mineral.id} is ordered in {mineral.unit} ({_UNIT_NAMES[mineral.unit]})"
        return [Reason(RejectionCode.WRONG_UNIT, f"{expected}, not {_echo(text)}", "unit")]
    if unit is None:
        units = " or ".join(_UNITS)
        message = f"unknown unit {_echo(text)}; use {units}"
        return [Reason(RejectionCode.UNKNOWN_UNIT, message, "unit")]
    return []


def _quantity_reasons(quantity: Decimal, mineral: Mineral | None) -> list[Reason]:
    ceiling = None
    if mineral is not None:
        ceiling = (
            mineral.max_order_quantity,
            f"{mineral.max_order_quantity} {mineral.unit}, the ceiling for one {mineral.id} order",
        )
    return _amount_reasons("quantity", quantity, _QUANTITY_CODES, QUANTITY_DECIMAL_PLACES, ceiling)


def _price_reasons(price: Decimal | None, mineral: Mineral | None) -> list[Reason]:
    if price is None:
        return []
    per = mineral.unit if mineral is not None else "unit"
    ceiling = (MAX_UNIT_PRICE_USD, f"{MAX_UNIT_PRICE_USD} USD per {per}, the sanity ceiling")
    return _amount_reasons("max_unit_price", price, _PRICE_CODES, PRICE_DECIMAL_PLACES, ceiling)


def _amount_reasons(
    field: DemandField,
    value: Decimal,
    codes: _AmountCodes,
    places: int,
    ceiling: tuple[Decimal, str] | None,
) -> list[Reason]:
    shown = _echo(str(value), quote=False)
    if not value.is_finite():
        message = f"{field} must be a finite number, got {shown}"
        return [Reason(codes.not_a_number, message, field)]
    reasons: list[Reason] = []
    if value <= 0:
        message = f"{field} must be above zero, got {shown}"
        reasons.append(Reason(codes.not_positive, message, field))
    elif ceiling is not None and value > ceiling[0]:
        message = f"{field} {shown} is above {ceiling[1]}"
        reasons.append(Reason(codes.too_large, message, field))
    if _decimal_places(value) > places:
        reasons.append(
            Reason(
                codes.too_precise,
                f"{field} may have at most {places} decimal places, got {shown}",
                field,
            )
        )
    return reasons


def _deliver_by_reasons(deliver_by: date, today: date) -> list[Reason]:
    if deliver_by <= today:
        return [
            Reason(
                RejectionCode.DELIVER_BY_NOT_IN_FUTURE,
                f"deliver_by must be after today ({today}), got {deliver_by}",
                "deliver_by",
            )
        ]
    latest = _add_years(today, MAX_LEAD_TIME_YEARS)
    if deliver_by > latest:
        return [
            Reason(
                RejectionCode.DELIVER_BY_TOO_FAR,
                f"deliver_by {deliver_by} is more than {MAX_LEAD_TIME_YEARS} years ahead;"
                f" the latest accepted is {latest}",
                "deliver_by",
            )
        ]
    return []


def _decimal_places(value: Decimal) -> int:
    """Places after the point once trailing zeros go (10.50 -> 1), exact at any size."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN or infinity: no places to count
        return 0
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if trailing_zeros == len(digits):  # zero
        return 0
    return max(0, -(exponent + trailing_zeros))


def _canonical_decimal(value: Decimal) -> str:
    """Exact and representation-free: 10, 10.00 and 1E+1 all give '1E1'."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return str(value)
    significant = "".join(map(str, digits)).rstrip("0")
    if not significant:
        return "0"
    exponent += len(digits) - len(significant)
    return f"{'-' if sign else ''}{significant}E{exponent}"


def _as_date(value: date) -> date:
    # A datetime is a date to the type checker but does not compare with one.
    return value.date() if isinstance(value, datetime) else value


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _echo(text: str, quote: bool = True) -> str:
    clipped = text if len(text) <= _ECHO_LIMIT else text[:_ECHO_LIMIT] + "..."
    return repr(clipped) if quote else clipped
