"""Ops' reads over every order: search, what the waterfall bought, the premium it paid.

GET /v1/ops/orders?order_id=&manufacturer_id=&mineral=&status=&oldest_first=&limit=
GET /v1/ops/waterfall?premium_fills=
GET /v1/ops/orders/{order_id}/fills   when sourcing recorded each fill (for a timeline)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from starlette.responses import Response

from services.sourcing import ops_views
from services.sourcing.context import Sourcing
from services.sourcing.domain import OrderStatus
from shared.http.app import router as api_router
from shared.http.auth import OpsReader
from shared.http.context import context_of
from shared.http.json import json_response
from shared.http.problems import problem_responses

router = api_router(prefix="/ops", tags=["ops"])
Ctx = Annotated[Sourcing, Depends(context_of)]
Text = Annotated[str | None, Query(min_length=1, max_length=200)]


@router.get("/orders", response_model=None, responses=problem_responses(422, 503))
async def search_orders(
    who: OpsReader,
    ctx: Ctx,
    order_id: Text = None,
    manufacturer_id: Text = None,
    mineral: Text = None,
    status: OrderStatus | None = None,
    oldest_first: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:
    """Orders matching every filter (the order id as a prefix), newest first by default."""
    rows = await ops_views.search_orders(
        ctx.service.pool,
        order_id=order_id,
        manufacturer_id=manufacturer_id,
        mineral=mineral,
        status=None if status is None else str(status),
        oldest_first=oldest_first,
        limit=limit,
        now=ctx.now(),
    )
    return json_response({"items": rows})


@router.get("/waterfall", response_model=None, responses=problem_responses(422, 503))
async def waterfall(
    who: OpsReader, ctx: Ctx, premium_fills: Annotated[int, Query(ge=0, le=200)] = 20
) -> Response:
    """Per mineral and tier: quantity filled, dollars spent, premium over the best allied
    offer; and the fills that paid the most premium."""
    pool = ctx.service.pool
    return json_response(
        {
            "by_tier": await ops_views.bought_by_tier(pool),
            "premium_fills": await ops_views.premium_fills(pool, premium_fills),
            "open_orders_by_age": await ops_views.open_orders_by_age(pool),
            "age_buckets": [name for name, _ in ops_views.AGE_BUCKETS],
        }
    )


@router.get("/orders/{order_id}/fills", response_model=None, responses=problem_responses(503))
async def fills_recorded(who: OpsReader, order_id: str, ctx: Ctx) -> Response:
    """Each of the order's fills and when sourcing recorded it (empty for an unknown order)."""
    rows = await ops_views.fills_recorded(ctx.service.pool, order_id)
    return json_response({"order_id": order_id, "fills": rows})
