"""Sourcing's facts per leg and per order, for ops to reconcile with the gateway and inventory.

GET /v1/reconciliation/legs       every leg as sourcing learnt it, with its fills
GET /v1/reconciliation/orders     every order: ordered, placed, filled
GET /v1/reconciliation/anomalies  what sourcing could not apply as the gateway said it
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from services.sourcing import views
from services.sourcing.context import Sourcing
from shared.http import paging
from shared.http.app import router as api_router
from shared.http.auth import OpsReader
from shared.http.context import context_of
from shared.http.problems import problem_responses
from shared.reconciliation.facts import (
    DEFAULT_PAGE,
    Page,
    SourcingLeg,
    SourcingOrder,
    after,
    page_of,
)

router = api_router(
    prefix="/reconciliation", tags=["reconciliation"], responses=problem_responses(400, 422, 503)
)
Ctx = Annotated[Sourcing, Depends(context_of)]


@router.get("/legs", response_model=Page[SourcingLeg])
async def legs(
    who: OpsReader, ctx: Ctx, limit: paging.Limit = DEFAULT_PAGE, cursor: paging.Cursor = None
) -> Page[SourcingLeg]:
    """Every leg by id: its quantity, what sourcing counted filled, its status, its fills."""
    rows = await views.legs_for_reconciliation(
        ctx.service.pool, after=after(cursor, "reconciliation-legs"), limit=limit + 1
    )
    shown, next_cursor = page_of(rows, limit, "reconciliation-legs", lambda leg: leg.leg_id)
    return Page[SourcingLeg](items=shown, next_cursor=next_cursor)


@router.get("/orders", response_model=Page[SourcingOrder])
async def orders(
    who: OpsReader, ctx: Ctx, limit: paging.Limit = DEFAULT_PAGE, cursor: paging.Cursor = None
) -> Page[SourcingOrder]:
    """Every order by id: ordered, placed (open legs whole, closed legs' fills), filled."""
    rows = await views.orders_for_reconciliation(
        ctx.service.pool, after=after(cursor, "reconciliation-orders"), limit=limit + 1
    )
    shown, next_cursor = page_of(rows, limit, "reconciliation-orders", lambda o: o.order_id)
    return Page[SourcingOrder](items=shown, next_cursor=next_cursor)


@router.get("/anomalies")
async def anomalies(
    who: OpsReader,
    ctx: Ctx,
    limit: Annotated[int, Query(ge=1, le=paging.MAX_PAGE_SIZE)] = paging.MAX_PAGE_SIZE,
) -> dict[str, Any]:
    """The latest anomalies, newest first: each a bug to look into (alert on any)."""
    return {"items": await views.anomalies(ctx.service.pool, limit=limit)}
