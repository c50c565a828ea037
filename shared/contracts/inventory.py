"""Contracts of inventory: holdings changes and releases."""

from __future__ import annotations

from typing import Literal

from shared.contracts.common import Amount, Contract, Quantity

MovementKind = Literal["receipt", "release", "transfer", "adjustment"]


class HoldingsUpdated(Contract):
    """``holdings.updated``: one ledger movement and the balance it left."""

    movement_id: str
    kind: MovementKind
    mineral: str
    warehouse_id: str
    lot_id: str
    owner: str
    origin_country: str
    tier: str
    delta: Amount
    unit: Literal["t", "kg"]
    balance: Amount
    order_id: str | None = None
    fill_id: str | None = None


class ReleasePerformed(Contract):
    """``release.performed``: material drawn out for a manufacturer; replenishment follows."""

    release_id: str
    manufacturer_id: str
    mineral: str
    quantity: Quantity
    lots: list[str]
    replenishment_request_id: str
