"""Plain values the inventory ledger is written in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeAlias

from services.inventory.domain.errors import InvalidValue


class Unit(StrEnum):
    TONNE = "t"
    KILOGRAM = "kg"


class Tier(StrEnum):
    DOMESTIC = "domestic"
    ALLIED = "allied"
    OTHER = "other"


class Phase(StrEnum):
    INITIAL_FILL = "initial_fill"
    REPLENISHMENT = "replenishment"


class WarehouseKind(StrEnum):
    # Controlled by a trading partner: our material in their custody.
    THIRD_PARTY = "third_party"
    LEASED = "leased"
    OWNED = "owned"


@dataclass(frozen=True, slots=True, kw_only=True)
class Warehouse:
    warehouse_id: str
    name: str
    kind: WarehouseKind
    location: str
    operator: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BalanceKey:
    """The dimensions a holding is counted under; one balance per distinct key."""

    mineral: str
    warehouse_id: str
    origin_country: str
    tier: Tier
    lot_id: str
    owner: str


Balances: TypeAlias = Mapping[BalanceKey, Decimal]
"""Quantity held per key. Keys whose quantity reaches zero are absent."""


def require_quantity(value: object, what: str) -> Decimal:
    # Checked at runtime as well as by mypy: values arrive from deserialised
    # events, and one float in the ledger makes balances drift irrecoverably.
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidValue(f"{what} must be a finite Decimal, got {value!r}")
    return value


def require_aware(value: datetime, what: str) -> datetime:
    # FIFO and the ledger order compare times from many systems; a naive time
    # cannot be compared with an aware one, nor placed reliably.
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(f"{what} must carry a time zone, got {value.isoformat()}")
    return value


def is_blank(text: str | None) -> bool:
    return text is None or not text.strip()
