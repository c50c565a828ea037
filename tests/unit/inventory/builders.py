"""Small builders shared by the inventory domain tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from services.inventory.domain import (
    Fill,
    Lot,
    LotBalance,
    Receipt,
    Warehouse,
    WarehouseKind,
    book_receipt,
)
from shared.contracts import Phase, Tier, Unit

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

PARTNER = Warehouse(
    warehouse_id="wh-partner",
    name="Partner bonded store",
    kind=WarehouseKind.THIRD_PARTY,
    location="Rotterdam, NL",
    operator="trader-a",
)
LEASED = Warehouse(
    warehouse_id="wh-leased",
    name="Leased shed",
    kind=WarehouseKind.LEASED,
    location="Baltimore, US",
    operator="program",
)
OWNED = Warehouse(
    warehouse_id="wh-owned",
    name="Program depot",
    kind=WarehouseKind.OWNED,
    location="Elko, US",
    operator="program",
)
WAREHOUSES = {w.warehouse_id: w for w in (PARTNER, LEASED, OWNED)}


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def make_fill(
    fill_id: str = "fill-1",
    *,
    quantity: Decimal = Decimal("10"),
    owner: str = "maker-a",
    mineral: str = "cobalt",
    warehouse_id: str = PARTNER.warehouse_id,
    filled_at: datetime = T0,
    origin_country: str = "US",
    tier: Tier = Tier.DOMESTIC,
    unit_price: Decimal = Decimal("33000.00"),
) -> Fill:
    return Fill(
        fill_id=fill_id,
        order_id=f"order-for-{fill_id}",
        trader_id="trader-a",
        mineral=mineral,
        unit=Unit.TONNE,
        quantity=quantity,
        unit_price=unit_price,
        origin_country=origin_country,
        tier=tier,
        warehouse_id=warehouse_id,
        lot_reference=f"WR-{fill_id}",
        filled_at=filled_at,
        phase=Phase.INITIAL_FILL,
        policy_version="policy-2026-01",
        owner=owner,
        leg_id=f"leg-for-{fill_id}",
    )


def booked(fill: Fill) -> Receipt:
    decision = book_receipt(fill, WAREHOUSES, existing_fill_ids=set())
    assert isinstance(decision, Receipt), decision
    return decision


def held_lot(fill: Fill) -> LotBalance:
    """The lot a fill creates, holding the whole fill."""
    return LotBalance(booked(fill).lot, fill.quantity)


def lot_of(fill: Fill) -> Lot:
    return booked(fill).lot
