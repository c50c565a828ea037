"""Errors the inventory domain raises when asked to break one of its rules.

A time without a zone is refused with the contracts' ``NaiveDatetime``, as in every service.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.inventory.domain.movements import Movement


class InventoryError(Exception):
    """Base of every inventory rule violation, so callers can catch them as one."""


class InvalidValue(InventoryError):
    """A value that no ledger line may carry: a float or infinite quantity."""


class InvalidMovement(InventoryError):
    """A movement whose fields contradict its kind (e.g. an adjustment without an author)."""


class UnknownLot(InventoryError):
    """A balance names a lot the caller has no record of."""


class NegativeBalance(InventoryError):
    """Applying the movement would leave less than nothing on its balance."""

    def __init__(self, movement: Movement, held: Decimal) -> None:
        self.movement = movement
        self.held = held
        super().__init__(
            f"movement {movement.movement_id} would take {movement.key.lot_id} "
            f"in {movement.key.warehouse_id} from {held} to {held + movement.quantity} "
            f"{movement.unit}"
        )
