"""Adjustments: corrections to a lot's balance, always explained and signed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from services.inventory.domain.lots import LotBalance, Posting
from services.inventory.domain.movements import Movement, MovementKind
from services.inventory.domain.values import is_blank, require_quantity
from shared.contracts import require_aware


@dataclass(frozen=True, slots=True, kw_only=True)
class AdjustmentRequest:
    adjustment_id: str
    lot_id: str
    quantity: Decimal
    reason: str
    author: str

    @property
    def movement_id(self) -> str:
        # One adjustment id, one ledger line: a retry finds the line it wrote.
        return f"adjustment:{self.adjustment_id}"


@dataclass(frozen=True, slots=True)
class AdjustmentRefused:
    adjustment_id: str
    reason: str


def plan_adjustment(
    holding: LotBalance,
    quantity: Decimal,
    *,
    reason: str,
    author: str,
    adjustment_id: str,
    at: datetime,
) -> Posting | AdjustmentRefused:
    """Plan a signed correction (e.g. a weighing difference) to one lot: its line and what is left."""
    require_quantity(quantity, f"adjustment {adjustment_id} quantity")
    require_aware(at, f"adjustment {adjustment_id} time")
    lot = holding.lot
    # An unexplained or anonymous change to holdings cannot be audited later.
    if is_blank(reason):
        return AdjustmentRefused(adjustment_id, "an adjustment needs a reason")
    if is_blank(author):
        return AdjustmentRefused(adjustment_id, "an adjustment needs an author")
    if quantity == 0:
        return AdjustmentRefused(adjustment_id, "an adjustment of zero changes nothing")
    if holding.quantity + quantity < 0:
        return AdjustmentRefused(
            adjustment_id,
            f"lot {lot.lot_id} holds {holding.quantity} {lot.unit}; an adjustment of "
            f"{quantity} {lot.unit} would leave it negative",
        )
    movement = Movement(
        movement_id=f"adjustment:{adjustment_id}",
        kind=MovementKind.ADJUSTMENT,
        at=at,
        key=lot.key,
        quantity=quantity,
        unit=lot.unit,
        reason=reason,
        author=author,
    )
    return holding.post(movement)
