"""Lots: the chain of custody of each parcel of material the program owns, and what each holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from services.inventory.domain.errors import NegativeBalance, UnknownLot
from services.inventory.domain.values import BalanceKey, Balances, require_quantity
from shared.contracts import Phase, Tier, Unit, require_aware

if TYPE_CHECKING:
    from services.inventory.domain.movements import Movement


@dataclass(frozen=True, slots=True, kw_only=True)
class Lot:
    """A parcel bought by one fill, owned by one manufacturer, in one warehouse.

    ``owner`` (who paid) and ``warehouse_id`` (who has custody) change
    independently: a custody transfer never changes the owner.
    """

    lot_id: str
    mineral: str
    unit: Unit
    origin_country: str
    tier: Tier
    trader_id: str
    fill_id: str
    order_id: str
    lot_reference: str
    phase: Phase
    policy_version: str
    owner: str
    warehouse_id: str
    received_at: datetime
    split_from: str | None = None
    merged_into: str | None = None
    unit_price: Decimal | None = None
    """What the fill paid, USD per ``unit``; None for lots booked before prices were kept."""
    leg_id: str | None = None
    """The leg whose fill the lot is (None for lots booked before it was kept)."""

    def __post_init__(self) -> None:
        require_aware(self.received_at, f"lot {self.lot_id} received_at")

    @property
    def key(self) -> BalanceKey:
        return BalanceKey(
            mineral=self.mineral,
            warehouse_id=self.warehouse_id,
            origin_country=self.origin_country,
            tier=self.tier,
            lot_id=self.lot_id,
            owner=self.owner,
        )


@dataclass(frozen=True, slots=True)
class LotBalance:
    """A lot and what it holds now, in its custodian's warehouse (elsewhere it holds nothing)."""

    lot: Lot
    quantity: Decimal

    def __post_init__(self) -> None:
        require_quantity(self.quantity, f"balance of {self.lot.lot_id}")

    def post(self, movement: Movement) -> Posting:
        """This holding after ``movement``: the new state, and the ledger line that made it."""
        if movement.key != self.lot.key:
            raise UnknownLot(f"movement {movement.movement_id} does not move {self.lot.lot_id}")
        after = self.quantity + movement.quantity
        if after < 0:
            raise NegativeBalance(movement, self.quantity)
        return Posting(movement, LotBalance(self.lot, after))


@dataclass(frozen=True, slots=True)
class Posting:
    """A movement and the holding it leaves: what one ``holdings.updated`` reports."""

    movement: Movement
    holding: LotBalance

    @property
    def lot(self) -> Lot:
        return self.holding.lot

    @property
    def balance(self) -> Decimal:
        return self.holding.quantity


@dataclass(frozen=True, slots=True)
class NoSuchLot:
    """A command named a lot nobody has heard of."""

    lot_id: str

    @property
    def detail(self) -> str:
        return f"no lot {self.lot_id!r}"


def lot_balances(lots: Mapping[str, Lot], balances: Balances) -> list[LotBalance]:
    """Pair each held balance with its lot record, as the planners expect."""
    paired: list[LotBalance] = []
    for key, quantity in balances.items():
        lot = lots.get(key.lot_id)
        # A stale lot record would make a plan post to a key that holds nothing,
        # so a disagreement is an error rather than a silent skip.
        if lot is None or lot.key != key:
            raise UnknownLot(f"no lot record matches balance {key}")
        paired.append(LotBalance(lot, quantity))
    return paired
