"""A decision as the order's record keeps it: JSON-ready, in words a requester can read.

The full record (every offer considered, with its outcome and reason) is stored per
decision; a summary without the per-offer list travels on ``order.status_changed``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from services.sourcing.domain.legs import Leg, OfferLeg
from services.sourcing.domain.record import Consideration, Decision, Outcome
from services.sourcing.domain.values import plain_number
from shared.contracts import Unit

CHEAPER_LISTED = 10
"""How many cheaper offers that lost a summary names; the full record has them all."""


class Trigger(StrEnum):
    """What made sourcing decide again for an order."""

    REQUESTED = "requested"
    OFFERS_ARRIVED = "offers_arrived"
    TRADER_REGISTERED = "trader_registered"
    PHASE_SET = "phase_set"
    CEILING_SET = "ceiling_set"
    EXCEPTION_APPROVED = "exception_approved"
    LEG_DECLINED = "leg_declined"
    LEG_EXPIRED = "leg_expired"
    # A leg's closing left quantity undone: that money no longer counts against the
    # mineral's annual ceiling, and orders waiting on the ceiling may fit.
    ROOM_FREED = "room_freed"


def decision_record(
    decision: Decision, *, trigger: Trigger, decided_at: datetime, unit: Unit
) -> dict[str, Any]:
    """Everything one decision did and why, for the order's record."""
    considered = [_consideration(c) for c in decision.considerations]
    return {
        **_head(decision, trigger, decided_at, unit),
        "considered": considered,
        "cheaper_not_taken": _cheaper_not_taken(decision.considerations),
    }


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """The record without its per-offer list: small enough for every status event."""
    brief = {k: v for k, v in record.items() if k != "considered"}
    brief["considered_offers"] = len(record.get("considered", ()))
    brief["cheaper_not_taken"] = record.get("cheaper_not_taken", [])[:CHEAPER_LISTED]
    return brief


def _head(decision: Decision, trigger: Trigger, decided_at: datetime, unit: Unit) -> dict[str, Any]:
    approvals = (
        {"approvals": [approval.as_record() for approval in decision.approvals]}
        if decision.approvals
        else {}
    )
    return _basics(decision, trigger, decided_at, unit) | approvals


def _basics(
    decision: Decision, trigger: Trigger, decided_at: datetime, unit: Unit
) -> dict[str, Any]:
    open_remainder = decision.open_remainder
    return {
        "trigger": str(trigger),
        "decided_at": decided_at.isoformat(),
        "phase": str(decision.phase),
        "policy_version": decision.policy_version,
        "unit": str(unit),
        "quantity": _num(decision.quantity),
        "placed": _num(decision.placed),
        "winning_tier": None if decision.winning_tier is None else str(decision.winning_tier),
        "tier_quantities": {str(t): _num(q) for t, q in decision.tier_quantities},
        "best_allied_price": _opt(decision.best_allied_price),
        "domestic_price_cap": _opt(decision.domestic_price_cap),
        "cascaded_from": decision.cascaded_from,
        "legs": [_leg(leg) for leg in decision.legs],
        "open": None
        if open_remainder is None
        else {"quantity": _num(open_remainder.quantity), "reason": open_remainder.reason},
        "summary": _sentence(decision, unit),
    }


def _leg(leg: Leg) -> dict[str, Any]:
    offer = leg if isinstance(leg, OfferLeg) else None
    return {
        "leg_id": leg.leg_id,
        "kind": "offer" if offer else "mandate",
        "trader_id": leg.trader_id,
        "quantity": _num(leg.quantity),
        "offer_id": offer.offer_id if offer else None,
        "tier": str(offer.tier) if offer else None,
    }


def _cheaper_not_taken(considerations: tuple[Consideration, ...]) -> list[dict[str, Any]]:
    """Offers cheaper than the dearest one taken that lost, with why: the question asked most."""
    taken = [c.unit_price for c in considerations if c.outcome is Outcome.TAKEN]
    if not taken:
        return []
    dearest = max(taken)
    lost = [c for c in considerations if c.outcome is not Outcome.TAKEN and c.unit_price < dearest]
    lost.sort(key=lambda c: (c.unit_price, c.offer_id))
    return [
        {
            "offer_id": c.offer_id,
            "trader_id": c.trader_id,
            "origin_country": c.origin_country,
            "tier": str(c.tier),
            "unit_price": _num(c.unit_price),
            "outcome": str(c.outcome),
            "reason": c.reason,
        }
        for c in lost
    ]


def _consideration(c: Consideration) -> dict[str, Any]:
    return {
        "offer_id": c.offer_id,
        "trader_id": c.trader_id,
        "origin_country": c.origin_country,
        "tier": str(c.tier),
        "unit_price": _num(c.unit_price),
        "available_on": c.available_on.isoformat(),
        "outcome": str(c.outcome),
        "rank": c.rank,
        "quantity_taken": _num(c.quantity_taken),
        "reason": c.reason,
    }


def _sentence(decision: Decision, unit: Unit) -> str:
    considered = len(decision.considerations)
    parts = [f"{decision.phase} under policy {decision.policy_version}"]
    if decision.tier_quantities:
        tiers = ", ".join(f"{_num(q)} {unit} {t}" for t, q in decision.tier_quantities)
        parts.append(f"offers: {tiers} (of {considered} considered)")
    else:
        parts.append(f"no offer taken (of {considered} considered)")
    mandated = sum((m.quantity for m in decision.mandate_legs), Decimal(0))
    if mandated:
        parts.append(f"{_num(mandated)} {unit} mandated to specialists")
    if decision.open_remainder is not None:
        parts.append(f"open: {decision.open_remainder.reason}")
    return "; ".join(parts)


# Decimals as text: JSON numbers would pass through floats somewhere downstream.
_num = plain_number


def _opt(value: Decimal | None) -> str | None:
    return None if value is None else _num(value)
