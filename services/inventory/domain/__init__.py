"""Inventory's rules, pure: a lot's life as transitions over plain values.

No I/O here. Each transition takes the state the handler loaded (under its locks)
and returns the new state with the ledger lines that make it (``Posting``: a
movement and what the lot holds after it), or a refusal saying why:

- ``receipts``: a confirmed fill becomes a new lot and its receipt, or is held for ops;
- ``releases``: a manufacturer's lots are drawn oldest first; replenishment is due later;
- ``replenishment``: the limit price of a release's replenishment, from what the lots cost;
- ``transfers``: custody moves, splitting off a child lot when only part moves;
- ``adjustments``: a signed, explained correction to one lot;
- ``retries``: what a client id already used answers;
- ``balances``, ``consistency``: the ledger folded into balances, and checked against them.
"""

from services.inventory.domain.adjustments import (
    AdjustmentRefused,
    AdjustmentRequest,
    plan_adjustment,
)
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
from services.inventory.domain.lots import Lot, LotBalance, NoSuchLot, Posting, lot_balances
from services.inventory.domain.movements import Movement, MovementKind
from services.inventory.domain.receipts import (
    AlreadyBooked,
    Booking,
    Fill,
    HeldForOps,
    Receipt,
    book_receipt,
    book_receipts,
    lot_id_for,
    receipt_id_for,
)
from services.inventory.domain.releases import (
    Release,
    ReleasePlan,
    ReleaseRefused,
    ReleaseRequest,
    ReleaseRule,
    ReplenishmentDemand,
    RequestProblem,
    RequestRefused,
    check_request,
    plan_release,
    replenishment_due,
)
from services.inventory.domain.replenishment import (
    DEFAULT_PRICE_HEADROOM,
    ReplenishmentLimit,
    replenishment_limit,
)
from services.inventory.domain.retries import retry_adjustment, retry_release, retry_transfer
from services.inventory.domain.transfers import (
    Transfer,
    Transferred,
    TransferRefused,
    TransferRequest,
    plan_transfer,
    transferred,
)
from services.inventory.domain.values import (
    BalanceKey,
    Balances,
    IdReused,
    Warehouse,
    WarehouseKind,
)

__all__ = [
    "DEFAULT_PRICE_HEADROOM",
    "AdjustmentRefused",
    "AdjustmentRequest",
    "AlreadyBooked",
    "BalanceKey",
    "Balances",
    "Booking",
    "Discrepancy",
    "DiscrepancyKind",
    "Fill",
    "HeldForOps",
    "IdReused",
    "InvalidMovement",
    "InvalidValue",
    "InventoryError",
    "Lot",
    "LotBalance",
    "Movement",
    "MovementKind",
    "NegativeBalance",
    "NoSuchLot",
    "Posting",
    "Receipt",
    "Release",
    "ReleasePlan",
    "ReleaseRefused",
    "ReleaseRequest",
    "ReleaseRule",
    "ReplenishmentDemand",
    "ReplenishmentLimit",
    "RequestProblem",
    "RequestRefused",
    "Transfer",
    "TransferRefused",
    "TransferRequest",
    "Transferred",
    "UnknownLot",
    "Warehouse",
    "WarehouseKind",
    "apply",
    "apply_all",
    "book_receipt",
    "book_receipts",
    "by_mineral",
    "by_owner",
    "by_tier",
    "by_warehouse",
    "check",
    "check_request",
    "lot_balances",
    "lot_id_for",
    "plan_adjustment",
    "plan_release",
    "plan_transfer",
    "rebuild",
    "receipt_id_for",
    "replenishment_due",
    "replenishment_limit",
    "retry_adjustment",
    "retry_release",
    "retry_transfer",
    "totals",
    "transferred",
]
