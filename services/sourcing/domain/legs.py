"""Legs: the pieces a request is split into, each routed to one trader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeAlias

from services.sourcing.domain.values import Tier


def leg_id(request_id: str, sequence: int) -> str:
    """Deterministic, so replaying a decision yields the same ids (and idempotent events)."""
    return f"{request_id}/leg-{sequence}"


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
