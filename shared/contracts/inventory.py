"""Contracts of inventory: holdings changes and releases."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from shared import topics
from shared.contracts.common import Amount, Contract, Event, PositiveAmount, Quantity, UnitPrice

MovementKind = Literal["receipt", "release", "transfer", "adjustment"]


class HoldingsUpdated(Event):
    """``holdings.updated`` on ``vault.inventory.holdings``: one ledger movement and the balance it left.

    Keyed by the order that bought the lot, so a lot's updates arrive in order and
    an order's story (filled, then stored, then drawn) reads back under one key.
    """

    EVENT_TYPE = "holdings.updated"
    TOPIC = topics.INVENTORY_HOLDINGS

    movement_id: str
    kind: MovementKind
    mineral: str
    warehouse_id: str = Field(description="the custodian: the warehouse the balance is in")
    lot_id: str
    owner: str = Field(description="the manufacturer whose demand funded the lot")
    origin_country: str
    tier: str
    delta: Amount = Field(description="signed change to the balance")
    unit: Literal["t", "kg"]
    balance: Amount = Field(description="what the lot holds in this warehouse afterwards")
    order_id: str | None = None
    fill_id: str | None = None
    release_id: str | None = None
    transfer_id: str | None = None
    at: AwareDatetime | None = Field(default=None, description="when the movement took effect")

    def partition_key(self) -> str:
        # Every lot is bought by an order; a lot without one is keyed by itself.
        return self.order_id or self.lot_id


class LotDraw(Contract):
    """What one release took from one lot."""

    lot_id: str
    warehouse_id: str
    quantity: PositiveAmount


class ReleasePerformed(Event):
    """``release.performed`` on ``vault.inventory.releases``: material drawn out for a manufacturer.

    A ``replenishment.requested`` (``vault.inventory.replenishments``) asking for it back
    is sent in the same transaction; ``replenishment_request_id`` names it.
    """

    EVENT_TYPE = "release.performed"
    TOPIC = topics.INVENTORY_RELEASES

    release_id: str
    manufacturer_id: str
    mineral: str
    quantity: Quantity
    lots: list[str]
    replenishment_request_id: str
    warehouse_id: str | None = Field(default=None, description="set when drawn from one site")
    rule: Literal["fifo"] = "fifo"
    draws: list[LotDraw] = Field(default_factory=list, description="lots drawn, in rule order")
    deliver_by: date | None = Field(default=None, description="due date of the replenishment")

    def partition_key(self) -> str:
        return self.release_id


class ReplenishmentRequested(Event):
    """``replenishment.requested`` on ``vault.inventory.replenishments``: buy back what a
    release drew, domestic first.

    Only inventory writes this topic (the secure profile's ACLs), so a replenishment is
    inventory's by where it travels, never by what a payload says. Demand turns it into
    a procurement order of kind ``replenishment``, once per release (``release_id`` is
    unique per manufacturer), in an id space of its own. ``limit_price``: the dearest
    unit price among the lots drawn, plus inventory's headroom (an interim rule until
    participation agreements set the price); none when no drawn lot recorded its price.
    """

    EVENT_TYPE = "replenishment.requested"
    TOPIC = topics.INVENTORY_REPLENISHMENTS

    release_id: str
    request_id: str = Field(description="how the replenishment is named in the order's story")
    manufacturer_id: str
    mineral: str
    quantity: Quantity
    deliver_by: date
    limit_price: UnitPrice | None = None
    price_basis: str = Field(default="", description="how the limit price was set, in words")

    def partition_key(self) -> str:
        return self.release_id
