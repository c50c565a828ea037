"""Orders over HTTP: an order's state, its legs and fills, and why it was routed so.

GET /v1/orders/{order_id}                         one order, 404 if none
GET /v1/orders?manufacturer_id=&status=&cursor=   newest first, a page at a time
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from services.sourcing import views
from services.sourcing.api.schemas import OrderDetail, OrderPage, OrderStory
from services.sourcing.context import Sourcing
from services.sourcing.domain import OrderStatus
from shared.access.entitlements import list_scope, may_read, order_story
from shared.http import paging
from shared.http.app import router as api_router
from shared.http.auth import OwnOrOps
from shared.http.context import context_of
from shared.http.problems import not_found, problem_responses

router = api_router(tags=["orders"])
Ctx = Annotated[Sourcing, Depends(context_of)]
LISTING = "orders-newest-first"


@router.get(
    "/orders/{order_id}",
    response_model=OrderDetail | OrderStory,
    responses=problem_responses(401, 403, 404, 503),
)
async def get_order(who: OwnOrOps, order_id: str, ctx: Ctx) -> dict[str, Any]:
    """Ops: the order with its legs, fills and every decision taken for it, explained
    (traders, competing offers, prices). Its manufacturer: its own order's story, without
    other parties' names or prices. Anyone else: not found."""
    found = await views.order(ctx.service.pool, order_id)
    if found is None or not may_read(who, found["manufacturer_id"]):
        raise not_found("no such order")
    return found if who.is_ops else order_story(found)


@router.get("/orders", response_model=OrderPage, responses=problem_responses(400, 422, 503))
async def list_orders(
    who: OwnOrOps,
    ctx: Ctx,
    manufacturer_id: Annotated[str | None, Query(max_length=200)] = None,
    status: OrderStatus | None = None,
    limit: paging.Limit = paging.DEFAULT_PAGE_SIZE,
    cursor: paging.Cursor = None,
) -> dict[str, Any]:
    """Orders newest first; pass `next_cursor` back as `cursor` for the next page. A
    manufacturer lists its own only (naming another's is not found)."""
    scope = list_scope(who, manufacturer_id)
    if not scope.allowed:
        raise not_found("no such orders")
    manufacturer_id = scope.owner
    rows = await views.orders(
        ctx.service.pool,
        manufacturer_id=manufacturer_id,
        status=None if status is None else str(status),
        after=paging.after(cursor, LISTING),
        limit=limit + 1,
    )
    items, next_cursor = paging.page(
        rows, limit, LISTING, lambda row: (row["created_at"], row["order_id"])
    )
    return {"items": items, "next_cursor": next_cursor}
