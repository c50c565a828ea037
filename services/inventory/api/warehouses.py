"""Warehouses and the fills held for ops."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.inventory.api.context import Ctx
from services.inventory.api.problems import Problem
from services.inventory.api.schemas import HeldFillOut, Registration, WarehouseIn, WarehouseOut
from services.inventory.domain import HeldForOps, Receipt, Warehouse, WarehouseKind
from services.inventory.handlers.warehouses import WarehouseConflict, register_warehouse
from services.inventory.repository import held_fills, warehouses
from services.inventory.repository.held_fills import HeldFill

router = APIRouter(prefix="/v1", tags=["warehouses"])


def warehouse_out(warehouse: Warehouse) -> WarehouseOut:
    return WarehouseOut(
        warehouse_id=warehouse.warehouse_id,
        name=warehouse.name,
        kind=warehouse.kind.value,
        location=warehouse.location,
        operator=warehouse.operator,
    )


def held_out(held: HeldFill) -> HeldFillOut:
    fill = held.fill
    return HeldFillOut(
        fill_id=fill.fill_id,
        order_id=fill.order_id,
        warehouse_id=fill.warehouse_id,
        mineral=fill.mineral,
        quantity=fill.quantity.amount,
        unit=fill.quantity.unit,
        manufacturer_id=fill.manufacturer_id,
        reason=held.reason,
        held_at=held.held_at,
        booked_at=held.booked_at,
        movement_id=held.movement_id,
    )


@router.post("/warehouses", status_code=201, response_model=Registration)
async def register(body: WarehouseIn, ctx: Ctx, response: Response) -> Registration:
    """Register a warehouse; fills held because it was unknown are booked in the same step."""
    warehouse = Warehouse(
        warehouse_id=body.warehouse_id,
        name=body.name,
        kind=WarehouseKind(body.kind),
        location=body.location,
        operator=body.operator,
    )
    async with ctx.pool.acquire() as conn, conn.transaction():
        outcome = await register_warehouse(conn, warehouse)
    if isinstance(outcome, WarehouseConflict):
        raise Problem(
            409,
            "warehouse-exists",
            f"warehouse {body.warehouse_id!r} is registered with other details",
            existing=warehouse_out(outcome.existing).model_dump(),
        )
    if not outcome.created:
        response.status_code = 200
    booked = [d.lot.fill_id for d in outcome.held_fills if isinstance(d, Receipt)]
    still = {d.fill.fill_id for d in outcome.held_fills if isinstance(d, HeldForOps)}
    still_held = [
        held_out(h)
        for h in await held_fills.listed(ctx.pool, warehouse_id=warehouse.warehouse_id)
        if h.fill.fill_id in still
    ]
    return Registration(
        warehouse=warehouse_out(outcome.warehouse),
        created=outcome.created,
        booked_fills=booked,
        still_held=still_held,
    )


@router.get("/warehouses")
async def list_warehouses(ctx: Ctx) -> dict[str, list[WarehouseOut]]:
    return {"warehouses": [warehouse_out(w) for w in await warehouses.all_warehouses(ctx.pool)]}


@router.get("/held-fills")
async def list_held_fills(
    ctx: Ctx,
    warehouse: str | None = None,
    order_id: str | None = None,
    include_booked: bool = False,
) -> dict[str, list[HeldFillOut]]:
    """Fills not booked as they stood, each with the reason; booked ones too if asked."""
    held = await held_fills.listed(
        ctx.pool, warehouse_id=warehouse, order_id=order_id, include_booked=include_booked
    )
    return {"held_fills": [held_out(h) for h in held]}
