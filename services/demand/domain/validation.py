"""Validating a manufacturer's demand against the catalogue: every reason at once.

Pure functions over plain values: no I/O, no clock (``today`` is passed in), no
framework. The adapters parse untrusted JSON into ``DemandInput`` (naming the
fields they could not read); nothing here raises on odd text, and every
rejection lists all of its reasons at once, each naming its field.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from services.demand.domain.values import (
    ID_MAX_LENGTH,
    ID_PATTERN,
    MAX_LEAD_TIME_YEARS,
    MAX_UNIT_PRICE_USD,
    PRICE_DECIMAL_PLACES,
    QUANTITY_DECIMAL_PLACES,
    AcceptedDemand,
    DemandField,
    DemandInput,
    Reason,
    RejectedDemand,
    RejectionCode,
    as_date,
    demand_fingerprint,
    normalise_mineral_id,
)
from shared.catalogue import Catalogue, Mineral, Unit
from shared.contracts.demand import DemandKind

_UNIT_NAMES = {Unit.TONNE: "tonnes", Unit.KILOGRAM: "kilograms"}
_ECHO_LIMIT = 40  # characters of a bad value quoted back in a message
_SUGGEST_LIMIT = 64  # longer input is not worth a fuzzy search


def validate_demand(
    demand: DemandInput,
    catalogue: Catalogue,
    today: date,
    unreadable: Mapping[DemandField, Reason] = MappingProxyType({}),
    *,
    kind: DemandKind = "procurement",
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
        "deliver_by": lambda: _deliver_by_reasons(as_date(demand.deliver_by), today),
        "max_unit_price": lambda: _price_reasons(demand.max_unit_price, mineral),
        "kind": lambda: _kind_reasons(kind),
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
        deliver_by=as_date(demand.deliver_by),
        max_unit_price=demand.max_unit_price,
        fingerprint=demand_fingerprint(demand),
    )


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
    if not ID_PATTERN.fullmatch(value):
        bad = sorted({char for char in value if not ID_PATTERN.fullmatch(char)})
        shown = ", ".join(repr(char) for char in bad[:5]) + (", ..." if len(bad) > 5 else "")
        reasons.append(
            Reason(
                codes.malformed,
                f"{field} may use only letters A-Z a-z, digits and . _ : -; found {shown}",
                field,
            )
        )
    return reasons


def _kind_reasons(kind: DemandKind) -> list[Reason]:
    """Manufacturers send procurement. A replenishment (bought back domestic first, up to the
    premium cap) is raised by inventory when material is released, on a topic only
    inventory may write: it is never taken from the manufacturers' intake."""
    if kind == "replenishment":
        message = (
            "kind 'replenishment' is raised by the program when material is released, never "
            "sent by a manufacturer; send kind 'procurement' (or leave it out)"
        )
        return [Reason(RejectionCode.KIND_NOT_ACCEPTED, message, "kind")]
    return []


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


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _echo(text: str, quote: bool = True) -> str:
    clipped = text if len(text) <= _ECHO_LIMIT else text[:_ECHO_LIMIT] + "..."
    return repr(clipped) if quote else clipped
