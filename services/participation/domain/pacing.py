"""Pacing: how much of the commitments not yet covered is asked for in one pass, per mineral.

Buying a whole book at once would move thin markets, so each pass asks for at most
``max_share_per_pass`` of the mineral's book (its committed total) and never more in a
calendar month than ``monthly_ceiling`` (units), already requested this month counted.
What a pass may ask is shared among the manufacturers in proportion to what each has
uncovered (rounded down to ``step``), and no one is asked for more than it has uncovered.
Policy is data (``pacing.json``). Pure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from services.participation.domain.commitments import Commitment

ZERO = Decimal(0)
POLICY_FILE = Path(__file__).resolve().parent.parent / "pacing.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class PacingRule:
    max_share_per_pass: Decimal  # of the mineral's committed book
    monthly_ceiling: Decimal | None  # units a calendar month; None: no ceiling
    step: Decimal = Decimal("0.001")

    def __post_init__(self) -> None:
        if not ZERO < self.max_share_per_pass <= 1:
            raise ValueError("max_share_per_pass is a fraction above 0, at most 1")
        if self.monthly_ceiling is not None and self.monthly_ceiling < 0:
            raise ValueError("a monthly ceiling is never negative")


@dataclass(frozen=True, slots=True)
class PacingPolicy:
    default: PacingRule
    per_mineral: Mapping[str, PacingRule]

    def rule(self, mineral: str) -> PacingRule:
        return self.per_mineral.get(mineral, self.default)


@dataclass(frozen=True, slots=True, kw_only=True)
class Ask:
    manufacturer_id: str
    mineral: str
    quantity: Decimal


def _rule(data: Mapping[str, object]) -> PacingRule:
    ceiling = data.get("monthly_ceiling")
    return PacingRule(
        max_share_per_pass=Decimal(str(data["max_share_per_pass"])),
        monthly_ceiling=None if ceiling is None else Decimal(str(ceiling)),
    )


def load_policy(path: Path = POLICY_FILE) -> PacingPolicy:
    data = json.loads(path.read_text())
    return PacingPolicy(
        default=_rule(data["default"]),
        per_mineral={m: _rule(r) for m, r in data.get("minerals", {}).items()},
    )


def budget(rule: PacingRule, book: Decimal, requested_this_month: Decimal) -> Decimal:
    """The most one pass may ask for a mineral."""
    per_pass = book * rule.max_share_per_pass
    if rule.monthly_ceiling is not None:
        per_pass = min(per_pass, max(rule.monthly_ceiling - requested_this_month, ZERO))
    return max(per_pass, ZERO)


def pace(
    commitments: Sequence[Commitment], rule: PacingRule, requested_this_month: Decimal
) -> list[Ask]:
    """The asks of one pass for one mineral's commitments."""
    book = sum((c.committed for c in commitments), ZERO)
    wanting = [c for c in commitments if c.uncovered > 0]
    uncovered = sum((c.uncovered for c in wanting), ZERO)
    if not wanting:
        return []
    allowed = min(budget(rule, book, requested_this_month), uncovered)
    asks = []
    for c in sorted(wanting, key=lambda c: c.manufacturer_id):
        share = (allowed * c.uncovered / uncovered).quantize(rule.step, rounding=ROUND_DOWN)
        quantity = min(share, c.uncovered)
        if quantity > 0:
            asks.append(
                Ask(manufacturer_id=c.manufacturer_id, mineral=c.mineral, quantity=quantity)
            )
    return asks
