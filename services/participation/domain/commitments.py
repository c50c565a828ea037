"""A commitment and how far it is covered: held, on order, owed back; what is left to buy.

Covered = held + on order (open procurement orders for that manufacturer and mineral:
its own demand counts against its commitment, as do participation's requests not yet
ordered and draws owed back that are not yet ordered). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Commitment:
    manufacturer_id: str
    mineral: str
    unit: str
    committed: Decimal
    set_price: Decimal
    agreement_version: int
    held: Decimal = ZERO
    on_order: Decimal = ZERO  # open orders: ordered less received
    requested: Decimal = ZERO  # asked of demand, no order seen yet
    owed: Decimal = ZERO  # draws owed back, no replenishment order seen yet

    @property
    def covered(self) -> Decimal:
        return self.held + self.on_order + self.requested + self.owed

    @property
    def uncovered(self) -> Decimal:
        return max(self.committed - self.covered, ZERO)
