"""The ledger line: every change to holdings is one append-only movement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from services.inventory.domain.errors import InvalidMovement
from services.inventory.domain.values import BalanceKey, is_blank, require_quantity
from shared.contracts import Unit, require_aware


class MovementKind(StrEnum):
    RECEIPT = "receipt"
    RELEASE = "release"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"


@dataclass(frozen=True, slots=True, kw_only=True)
class Movement:
    """A signed change to exactly one balance.

    A custody transfer is two movements sharing a ``transfer_id`` (out of one
    key, into another) so that every line keys one balance, as a ledger row
    should; :func:`check` reports a transfer whose lines do not net to zero.
    """

    movement_id: str
    kind: MovementKind
    at: datetime
    key: BalanceKey
    quantity: Decimal
    unit: Unit
    fill_id: str | None = None
    release_id: str | None = None
    transfer_id: str | None = None
    reason: str | None = None
    author: str | None = None

    def __post_init__(self) -> None:
        require_quantity(self.quantity, f"movement {self.movement_id} quantity")
        require_aware(self.at, f"movement {self.movement_id} time")
        problem = _problem(self)
        if problem is not None:
            raise InvalidMovement(f"{self.kind} {self.movement_id}: {problem}")

    @property
    def lot_id(self) -> str:
        return self.key.lot_id

    @property
    def mineral(self) -> str:
        return self.key.mineral

    @property
    def warehouse_id(self) -> str:
        return self.key.warehouse_id

    @property
    def owner(self) -> str:
        return self.key.owner


def _problem(movement: Movement) -> str | None:
    # Enforced on construction, not only in the planners, so a line read back
    # from storage or built by hand obeys the same rules as a planned one.
    if movement.quantity == 0:
        return "quantity must not be zero"
    match movement.kind:
        case MovementKind.RECEIPT:
            if movement.quantity < 0:
                return "a receipt adds material; quantity must be positive"
            if is_blank(movement.fill_id):
                return "a receipt must name the fill it books"
        case MovementKind.RELEASE:
            if movement.quantity > 0:
                return "a release takes material out; quantity must be negative"
            if is_blank(movement.release_id):
                return "a release must name its release id"
        case MovementKind.TRANSFER:
            if is_blank(movement.transfer_id):
                return "a transfer must name its transfer id"
        case MovementKind.ADJUSTMENT:
            if is_blank(movement.reason):
                return "an adjustment needs a reason"
            if is_blank(movement.author):
                return "an adjustment needs an author"
    return None
