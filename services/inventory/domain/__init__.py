"""Inventory domain: the holdings ledger as pure rules over plain values.

No I/O here. Handlers load lots, balances and booked fill ids, ask these
functions what should happen, and store the movements they return.
"""

from services.inventory.domain.adjustments import AdjustmentRefused, plan_adjustment
from services.inventory.domain.balances import (
    apply,
    apply_all,
    by_mineral,
    by_owner,
    by_tier,
    by_warehouse,
    rebuild,
    totals,
)
from services.inventory.domain.consistency import Discrepancy, DiscrepancyKind, check
from services.inventory.domain.errors import (
    InvalidMovement,
    InvalidValue,
    InventoryError,
    NegativeBalance,
    UnknownLot,
)
from services.inventory.domain.lots import Lot, LotBalance, lot_balances
from services.inventory.domain.movements import Movement, MovementKind
from services.inventory.domain.receipts import (
    AlreadyBooked,
    Fill,
    HeldForOps,
    Receipt,
    book_receipt,
)
from services.inventory.domain.releases import (
    ReleasePlan,
    ReleaseRefused,
    ReleaseRule,
    ReplenishmentDemand,
    plan_release,
)
from services.inventory.domain.transfers import Transfer, TransferRefused, plan_transfer
from services.inventory.domain.values import (
    BalanceKey,
    Balances,
    Phase,
    Tier,
    Unit,
    Warehouse,
    WarehouseKind,
)

__all__ = [
    "AdjustmentRefused",
    "AlreadyBooked",
    "BalanceKey",
    "Balances",
    "Discrepancy",
    "DiscrepancyKind",
    "Fill",
    "HeldForOps",
    "InvalidMovement",
    "InvalidValue",
    "InventoryError",
    "Lot",
    "LotBalance",
    "Movement",
    "MovementKind",
    "NegativeBalance",
    "Phase",
    "Receipt",
    "ReleasePlan",
    "ReleaseRefused",
    "ReleaseRule",
    "ReplenishmentDemand",
    "Tier",
    "Transfer",
    "TransferRefused",
    "Unit",
    "UnknownLot",
    "Warehouse",
    "WarehouseKind",
    "apply",
    "apply_all",
    "book_receipt",
    "by_mineral",
    "by_owner",
    "by_tier",
    "by_warehouse",
    "check",
    "lot_balances",
    "plan_adjustment",
    "plan_release",
    "plan_transfer",
    "rebuild",
    "totals",
]
