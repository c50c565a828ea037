"""What fills put on the books: an order's receipts, and the fills held for ops.

GET /v1/orders/{order_id}/receipts   receipts fill by fill, and the order's held fills
GET /v1/held-fills                   fills not booked as they stood, each with the reason
GET /v1/reconciliation/receipts      every fill received or held, for ops to reconcile
"""

from __future__ import annotations

from decimal import Decimal

from fastapi import Response

from services.inventory import views
from services.inventory.api import Ctx
from services.inventory.api.schemas import HeldFillOut
from services.inventory.repository.held_fills import HeldFill
from shared.http import paging
from shared.http.app import router as api_router
from shared.http.auth import OpsReader
from shared.http.json import json_response
from shared.reconciliation.facts import DEFAULT_PAGE, Page, Receipt, after, page_of

router = api_router(tags=["receipts"])


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


@router.get("/orders/{order_id}/receipts", response_model=None)
async def order_receipts(who: OpsReader, order_id: str, ctx: Ctx) -> Response:
    """What an order put on the books, fill by fill, and any of its fills held for ops."""
    receipts = await views.order_receipts(ctx.service.pool, order_id)
    held = await views.held_fills(ctx.service.pool, order_id=order_id)
    received = sum((r["quantity"] for r in receipts), Decimal(0))
    return json_response(
        {
            "order_id": order_id,
            "received": received,
            "unit": receipts[0]["unit"] if receipts else None,
            "receipts": receipts,
            "held": [held_out(h).model_dump(mode="json") for h in held],
        }
    )


@router.get("/held-fills")
async def list_held_fills(
    who: OpsReader,
    ctx: Ctx,
    warehouse: str | None = None,
    order_id: str | None = None,
    include_booked: bool = False,
) -> dict[str, list[HeldFillOut]]:
    """Fills not booked as they stood, each with the reason; booked ones too if asked."""
    held = await views.held_fills(
        ctx.service.pool, warehouse_id=warehouse, order_id=order_id, include_booked=include_booked
    )
    return {"held_fills": [held_out(h) for h in held]}


@router.get("/reconciliation/receipts", response_model=Page[Receipt])
async def receipts_for_reconciliation(
    who: OpsReader, ctx: Ctx, limit: paging.Limit = DEFAULT_PAGE, cursor: paging.Cursor = None
) -> Page[Receipt]:
    """Every fill by id: received into holdings (with its order, leg and quantity), or held
    for ops with the reason. Compared with the gateway's and sourcing's by ``vault reconcile``."""
    listing = "reconciliation-receipts"
    rows = await views.receipts_for_reconciliation(
        ctx.service.pool, after=after(cursor, listing), limit=limit + 1
    )
    shown, next_cursor = page_of(rows, limit, listing, lambda receipt: receipt.fill_id)
    return Page[Receipt](items=shown, next_cursor=next_cursor)
