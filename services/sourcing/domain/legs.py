"""Legs: the pieces a request is split into, each routed to one trader."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeAlias

from shared.contracts import Tier

MAX_LEG_ID = 64
"""Leg ids travel in events whose identifiers are at most 64 characters."""


def leg_id(request_id: str, sequence: int) -> str:
    """Deterministic, so replaying a decision yields the same ids (and idempotent events).

    A request id too long to carry the suffix is shortened to a prefix and a hash of
    the whole id: still deterministic, still unique, still readable by its start.
    """
    suffix = f".leg-{sequence}"  # no "/": leg ids travel in URL paths (the gateway's API)
    if len(request_id) + len(suffix) <= MAX_LEG_ID:
        return request_id + suffix
    digest = hashlib.sha256(request_id.encode()).hexdigest()[:16]
    keep = MAX_LEG_ID - len(suffix) - len(digest) - 1
    return f"{request_id[:keep]}-{digest}{suffix}"


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferLeg:
    """Take `quantity` of a known offer at its own price."""

    leg_id: str
    request_id: str
    sequence: int
    offer_id: str
    trader_id: str
    mineral: str
    tier: Tier
    origin_country: str
    quantity: Decimal
    unit_price: Decimal
    warehouse: str
    available_on: date
    deliver_by: date

    @property
    def open_value(self) -> Decimal:
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True, kw_only=True)
class MandateLeg:
    """Ask a specialist to find `quantity` no offer covers, within `limit_price`.

    `tier_preference` lists tiers best first (empty in initial fill: any origin);
    `excluded_origins` are the countries the phase forbids.
    """

    leg_id: str
    request_id: str
    sequence: int
    trader_id: str
    mineral: str
    market: str
    quantity: Decimal
    limit_price: Decimal
    tier_preference: tuple[Tier, ...]
    excluded_origins: frozenset[str]
    policy_version: str
    deliver_by: date

    @property
    def open_value(self) -> Decimal:
        return self.quantity * self.limit_price


Leg: TypeAlias = OfferLeg | MandateLeg
