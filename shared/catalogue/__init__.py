"""The mineral catalogue: the 60 entries of the final 2025 US critical minerals list.

The data lives in ``catalogue.csv`` beside this module (packaged with it) so ops
can review it as a table. Columns:

- ``id``: the list's name, lower-case, spaces as underscores (``metallurgical_coal``).
- ``group``: ``rare_earth`` / ``platinum_group_metal`` as the list marks them, else empty.
- ``added_in_2025``: ``yes`` for the ten entries new on the 2025 list.
- ``market``: the book a specialist trader covers; which traders serve a market
  is ops data held elsewhere, never here.
- ``typical_form``: what is usually bought (display only; no grade rules hang on it).
- ``max_order_quantity``: a sanity ceiling per order, in the mineral's unit,
  set at roughly the lower of a month of world output or about US$1B of value.
  It catches typos (kg for t, extra zeros); it is not purchasing policy.

Unit rule: the unit follows the market, so a trader's book is quoted in one unit.
Rare earths, precious metals (silver and the PGMs) and minor metals are priced
per kilogram or troy ounce and ordered in ``kg``; everything else is a bulk
material priced per tonne and ordered in ``t`` (metric tonnes). Loading enforces
one unit per market.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from importlib import resources
from types import MappingProxyType

_ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
_COLUMNS = (
    "id",
    "name",
    "group",
    "added_in_2025",
    "market",
    "unit",
    "typical_form",
    "max_order_quantity",
)


class Unit(StrEnum):
    TONNE = "t"
    KILOGRAM = "kg"


class MineralGroup(StrEnum):
    RARE_EARTH = "rare_earth"
    PLATINUM_GROUP_METAL = "platinum_group_metal"


@dataclass(frozen=True, slots=True)
class Mineral:
    id: str
    name: str
    group: MineralGroup | None
    added_in_2025: bool
    market: str
    unit: Unit
    typical_form: str
    max_order_quantity: Decimal


class CatalogueError(ValueError):
    """The catalogue data breaks one of its own rules."""


class Catalogue:
    """An immutable, in-memory set of minerals, looked up by id."""

    __slots__ = ("_by_id",)

    def __init__(self, minerals: Iterable[Mineral]) -> None:
        by_id: dict[str, Mineral] = {}
        unit_of_market: dict[str, Unit] = {}
        for mineral in minerals:
            if mineral.id in by_id:
                raise CatalogueError(f"duplicate mineral id {mineral.id!r}")
            market_unit = unit_of_market.setdefault(mineral.market, mineral.unit)
            if market_unit is not mineral.unit:
                raise CatalogueError(
                    f"market {mineral.market!r} mixes units {market_unit} and {mineral.unit}"
                )
            by_id[mineral.id] = mineral
        self._by_id: Mapping[str, Mineral] = MappingProxyType(by_id)

    def get(self, mineral_id: str) -> Mineral | None:
        return self._by_id.get(mineral_id)

    def __contains__(self, mineral_id: object) -> bool:
        return mineral_id in self._by_id

    def __iter__(self) -> Iterator[Mineral]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    @property
    def markets(self) -> tuple[str, ...]:
        return tuple(sorted({mineral.market for mineral in self}))

    def in_market(self, market: str) -> tuple[Mineral, ...]:
        return tuple(mineral for mineral in self if mineral.market == market)


def parse_catalogue(text: str) -> Catalogue:
    """Parse catalogue CSV text; raise CatalogueError on any bad row."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise CatalogueError(f"expected columns {_COLUMNS}, got {reader.fieldnames}")
    return Catalogue(_parse_row(row, reader.line_num) for row in reader)


@functools.cache
def load_catalogue() -> Catalogue:
    """The catalogue packaged with this service (read once, then shared)."""
    text = resources.files("shared.catalogue").joinpath("catalogue.csv").read_text(encoding="utf-8")
    return parse_catalogue(text)


def _parse_row(row: dict[str, str], line: int) -> Mineral:
    if None in row or None in row.values():
        raise CatalogueError(f"catalogue line {line}: expected {len(_COLUMNS)} fields")
    try:
        return Mineral(
            id=_identifier(row["id"]),
            name=_non_empty(row["name"]),
            group=MineralGroup(row["group"]) if row["group"] else None,
            added_in_2025=_yes_no(row["added_in_2025"]),
            market=_identifier(row["market"]),
            unit=Unit(row["unit"]),
            typical_form=_non_empty(row["typical_form"]),
            max_order_quantity=_positive_decimal(row["max_order_quantity"]),
        )
    except (ValueError, TypeError, KeyError) as error:
        raise CatalogueError(f"catalogue line {line}: {error}") from error


def _identifier(value: str) -> str:
    if not _ID_PATTERN.fullmatch(value):
        raise ValueError(f"{value!r} is not a lower-case snake_case id")
    return value


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("empty text field")
    return value


def _yes_no(value: str) -> bool:
    if value not in ("yes", "no"):
        raise ValueError(f"expected yes or no, got {value!r}")
    return value == "yes"


def _positive_decimal(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not number.is_finite() or number <= 0:
        raise ValueError(f"{value!r} is not a positive number")
    return number
