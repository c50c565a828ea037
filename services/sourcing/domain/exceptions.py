"""Policy exceptions: what the waterfall does for one order only under an admin's approval.

The waterfall never does these things on its own: nothing in it makes an order wait for
an approval. An approval is an override a program admin records for one order (who,
when, why); the order's next placement (at once if it has quantity waiting, else its next
retry or cascade) considers that option, and the decision record names the approval.

Kinds (``subject`` names what is allowed, where the kind needs one):
- ``over_premium_cap``: in replenishment, domestic offers rank before every allied one
  whatever their premium (by default a domestic offer beyond the cap ranks after the
  allied offers it is too dear against). No subject.
- ``excluded_origin`` (subject: an ISO country code): offers of that origin are eligible
  for the order though its phase excludes the country, and the offer legs on them take
  fills of that origin (their ``excluded_origins`` leave it out). Mandates still exclude
  it: a specialist is never asked to find material of an excluded origin. An origin every
  phase excludes (sanctions) cannot be approved.
- ``non_primary_trader`` (subject: a trader id): what no offer covers is mandated to that
  trader first, before the market's better-ranked specialists (its capacity and exposure
  limits still hold, it must be registered and active), even when it is not registered
  as a specialist of the order's market.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from services.sourcing.domain.policy import TierPolicy, excluded_origins
from shared.contracts import Phase

ExceptionKind = Literal["over_premium_cap", "excluded_origin", "non_primary_trader"]
OVER_PREMIUM_CAP: ExceptionKind = "over_premium_cap"
EXCLUDED_ORIGIN: ExceptionKind = "excluded_origin"
NON_PRIMARY_TRADER: ExceptionKind = "non_primary_trader"

_COUNTRY = re.compile(r"[A-Z]{2}")
_TRADER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Approval:
    order_id: str
    kind: ExceptionKind
    reason: str
    approved_by: str
    approved_at: datetime
    subject: str = ""
    """The origin country or trader the approval allows; empty for ``over_premium_cap``."""

    def as_record(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            **({"subject": self.subject} if self.subject else {}),
            "reason": self.reason,
            "approved_by": self.approved_by,
            "approved_at": self.approved_at.isoformat(),
        }


def subject_problem(kind: str, subject: str) -> str | None:
    """Why ``subject`` cannot go with ``kind``; None when it can."""
    if kind == OVER_PREMIUM_CAP:
        return None if not subject else "over_premium_cap takes no subject"
    if kind == EXCLUDED_ORIGIN:
        if _COUNTRY.fullmatch(subject):
            return None
        return "excluded_origin needs the origin as subject: an ISO 3166 code such as RU"
    if kind == NON_PRIMARY_TRADER:
        if _TRADER.fullmatch(subject):
            return None
        return "non_primary_trader needs the trader's id as subject"
    return f"unknown exception kind {kind!r}"


def unapprovable_origin(policy: TierPolicy, country: str) -> str | None:
    """Why no approval may open ``country``: an origin every phase excludes (comprehensive
    sanctions) stays closed; an approval widens a phase, never the law."""
    phases = tuple(Phase)
    if all(country in excluded_origins(policy, phase) for phase in phases):
        return (
            f"{country} is excluded in every phase (policy {policy.version}): no approval opens it"
        )
    return None


def waives_premium_cap(approvals: tuple[Approval, ...]) -> bool:
    return any(approval.kind == OVER_PREMIUM_CAP for approval in approvals)


def allowed_origins(approvals: Iterable[Approval]) -> frozenset[str]:
    """The origins the order may buy though its phase excludes them."""
    return frozenset(a.subject for a in approvals if a.kind == EXCLUDED_ORIGIN)


def preferred_traders(approvals: Iterable[Approval]) -> tuple[str, ...]:
    """The traders the order's mandates go to first, in the order approved."""
    ordered = sorted(
        (a for a in approvals if a.kind == NON_PRIMARY_TRADER),
        key=lambda a: (a.approved_at, a.subject),
    )
    return tuple(dict.fromkeys(a.subject for a in ordered))
