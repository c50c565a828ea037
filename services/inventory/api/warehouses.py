"""Warehouses: register one (books the fills held for it), list them.

POST /v1/warehouses   201 registered, 200 already so, 409 registered with other details
GET  /v1/warehouses   every warehouse
"""

from __future__ import annotations

from fastapi import Response

from services.inventory import views
from services.inventory.api import Ctx
from services.inventory.api.receipts import held_out
from services.inventory.api.schemas import Registration, WarehouseIn, WarehouseOut
from services.inventory.domain import HeldForOps, Receipt, Warehouse, WarehouseKind
from services.inventory.handlers.register_warehouse import WarehouseConflict, register_warehouse
from shared.http.app import router as api_router
from shared.http.auth import OpsReader, ProgramAdmin
from shared.http.problems import ProblemError, problem_responses

router = api_router(tags=["warehouses"])


def warehouse_out(warehouse: Warehouse) -> WarehouseOut:
    return WarehouseOut.model_validate(warehouse, from_attributes=True)


@router.post(
    "/warehouses",
    status_code=201,
    response_model=Registration,
    responses=problem_responses(409, 422, 503),
)
async def register(
    who: ProgramAdmin, body: WarehouseIn, ctx: Ctx, response: Response
) -> Registration:
    """Register a warehouse; fills held because it was unknown are booked in the same step."""
    warehouse = Warehouse(
        warehouse_id=body.warehouse_id,
        name=body.name,
        kind=WarehouseKind(body.kind),
        location=body.location,
        operator=body.operator,
    )
    async with ctx.service.transaction() as conn:
        outcome = await register_warehouse(conn, warehouse, ctx.mineral_units)
    if isinstance(outcome, WarehouseConflict):
        raise ProblemError(
            409,
            "warehouse_exists",
            f"warehouse {body.warehouse_id!r} is registered with other details",
            extensions={"existing": warehouse_out(outcome.existing).model_dump()},
        )
    if not outcome.created:
        response.status_code = 200
    booked = [d.lot.fill_id for d in outcome.held_fills if isinstance(d, Receipt)]
    still = {d.fill.fill_id for d in outcome.held_fills if isinstance(d, HeldForOps)}
    still_held = [
        held_out(h)
        for h in await views.held_fills(ctx.service.pool, warehouse_id=warehouse.warehouse_id)
        if h.fill.fill_id in still
    ]
    return Registration(
        warehouse=warehouse_out(outcome.warehouse),
        created=outcome.created,
        booked_fills=booked,
        still_held=still_held,
    )


@router.get("/warehouses")
async def list_warehouses(who: OpsReader, ctx: Ctx) -> dict[str, list[WarehouseOut]]:
    return {"warehouses": [warehouse_out(w) for w in await views.warehouses(ctx.service.pool)]}
