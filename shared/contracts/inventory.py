"""Contracts of inventory: holdings changes and releases."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from shared.contracts.common import Amount, Contract, PositiveAmount, Quantity

MovementKind = Literal["receipt", "release", "transfer", "adjustment"]


class HoldingsUpdated(Contract):
    """``holdings.updated`` on ``vault.inventory.holdings``: one ledger movement and the balance it left.

    Keyed by the order that bought the lot, so a lot's updates arrive in order and
    an order's story (filled, then stored, then drawn) reads back under one key.
    """

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


class LotDraw(Contract):
    """What one release took from one lot."""

    lot_id: str
    warehouse_id: str
    quantity: PositiveAmount


class ReleasePerformed(Contract):
    """``release.performed`` on ``vault.inventory.releases``: material drawn out for a manufacturer.

    A ``demand.submitted`` of kind ``replenishment`` (request id
    ``replenishment_request_id``) is sent to demand intake in the same transaction.
    """

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
