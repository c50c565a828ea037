"""Plain values the inventory ledger is written in.

Units, tiers and phases are the contracts' own (``shared.contracts``): a lot carries
what its fill said, in the words the fill said it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeAlias

from services.inventory.domain.errors import InvalidValue
from shared.contracts import Tier


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


@dataclass(frozen=True, slots=True)
class IdReused:
    """A client id (release, transfer, adjustment) sent again with a different request.

    A client id names one request forever: a retry is answered with what was done,
    anything else under the same id is refused rather than done or silently ignored.
    """

    kind: str
    request_id: str
    detail: str


def require_quantity(value: object, what: str) -> Decimal:
    # Checked at runtime as well as by mypy: values arrive from deserialised
    # events, and one float in the ledger makes balances drift irrecoverably.
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidValue(f"{what} must be a finite Decimal, got {value!r}")
    return value


def is_blank(text: str | None) -> bool:
    return text is None or not text.strip()


def plain_number(value: Decimal) -> str:
    """A decimal as people write it: 37500, 0.25, never 3.75E+4."""
    return format(value.normalize(), "f")
