"""The values demand rules are written in: codes, reasons, a demand as sent and as judged.

Also the identities: which ids are well formed, the order id a request becomes, and
the fingerprint that tells a resend from a conflict. Pure: no I/O, no clock.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal, NamedTuple

from shared.catalogue import Unit

ID_MAX_LENGTH = 64
ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]+")
QUANTITY_DECIMAL_PLACES = 3  # a gram in kg, a kilogram in t
PRICE_DECIMAL_PLACES = 4
# Ten times the dearest price per kg any listed mineral has traded at (rhodium,
# about US$0.95M/kg in 2021), and far above any bulk material per tonne.
MAX_UNIT_PRICE_USD = Decimal("10000000")
MAX_LEAD_TIME_YEARS = 5
# Fixed for ever: order ids derived from them are stored and published. Replenishments
# have a namespace of their own: no manufacturer's request id can take a release's order.
_ORDER_NAMESPACE = uuid.UUID("8b0ad81a-7a1e-417a-be21-61af1700e28c")
_REPLENISHMENT_NAMESPACE = uuid.UUID("2f6c5d0e-9b7a-4c1e-8f3d-5a4b6c7d8e91")


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
    NOT_UNICODE = "not_unicode"  # a lone surrogate escape ("\\ud800"): JSON, but no character
    TOO_LONG = "too_long"
    DELIVER_BY_NOT_A_DATE = "deliver_by_not_a_date"
    UNKNOWN_KIND = "unknown_kind"
    # Replenishment is raised by inventory when material is released, never by a sender.
    KIND_NOT_ACCEPTED = "kind_not_accepted"


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

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code.value, "message": self.message, "field": self.field}


class DemandKey(NamedTuple):
    manufacturer_id: str
    request_id: str

    @property
    def is_well_formed(self) -> bool:
        """Both ids keep the rules: safe to store and to look up."""
        return is_well_formed_id(self.manufacturer_id) and is_well_formed_id(self.request_id)


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


def is_well_formed_id(text: str) -> bool:
    """A manufacturer or request id the rules accept: safe to store and to look up."""
    return 0 < len(text) <= ID_MAX_LENGTH and ID_PATTERN.fullmatch(text) is not None


def order_id_for(key: DemandKey) -> str:
    """The procurement order a demand becomes: one key, one order id, on any replica, forever.

    A newline cannot occur in a well-formed id, so ("a:b", "c") and ("a", "b:c")
    name different orders.
    """
    return "ord-" + uuid.uuid5(_ORDER_NAMESPACE, "\n".join(key)).hex


def replenishment_order_id(manufacturer_id: str, release_id: str) -> str:
    """The order that buys back release ``release_id`` of ``manufacturer_id`` (release ids are
    unique per manufacturer): its own id space, apart from every request id a manufacturer uses."""
    return "ord-" + uuid.uuid5(_REPLENISHMENT_NAMESPACE, f"{manufacturer_id}\n{release_id}").hex


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
        canonical_decimal(demand.quantity),
        demand.unit.strip().casefold(),
        as_date(demand.deliver_by).isoformat(),
        None if price is None else canonical_decimal(price),
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


def canonical_decimal(value: Decimal) -> str:
    """Exact and representation-free: 10, 10.00 and 1E+1 all give '1E1'."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return str(value)
    significant = "".join(map(str, digits)).rstrip("0")
    if not significant:
        return "0"
    exponent += len(digits) - len(significant)
    return f"{'-' if sign else ''}{significant}E{exponent}"


def as_date(value: date) -> date:
    # A datetime is a date to the type checker but does not compare with one.
    return value.date() if isinstance(value, datetime) else value


def plain_decimal(amount: Decimal) -> Decimal:
    """120.500 -> 120.5, 1E+2 -> 100: one spelling of each accepted amount downstream.

    Only for accepted amounts, which the rules bound; a huge exponent would expand.
    """
    return Decimal(format(amount.normalize(), "f"))
