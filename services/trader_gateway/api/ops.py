"""/v1/admin reads for ops (ops_read or program_admin keys): traders' performance, an order's legs.

They read across traders, so they need an ops key (ops_read or program_admin), as the rest of
``/v1/admin``; a trader's key never opens them.

GET /v1/admin/performance?trader_id=&limit=   per trader: legs by outcome, fills, time to fill
GET /v1/admin/orders/{order_id}/legs          the order's legs, fills and declines here
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from starlette.responses import Response

from services.trader_gateway import ops_views
from services.trader_gateway.api.security import Ctx, OpsRead
from services.trader_gateway.api.values import ID_PATTERN
from shared.http.app import router as api_router
from shared.http.json import json_response
from shared.http.problems import problem_responses

router = api_router(
    prefix="/admin",
    tags=["admin"],
    dependencies=[OpsRead],
    responses=problem_responses(400, 401, 404, 413, 422, 429, 500, 503, 504),
)
TraderId = Annotated[str | None, Query(min_length=1, max_length=64, pattern=ID_PATTERN)]
Limit = Annotated[int, Query(ge=1, le=1000, description="at most this many traders")]
OrderId = Annotated[str, Path(min_length=1, max_length=200, pattern=ID_PATTERN)]


@router.get("/performance", summary="How each trading house performs", response_model=None)
async def performance(ctx: Ctx, trader_id: TraderId = None, limit: Limit = 200) -> Response:
    """Every trader with a leg (by id, up to ``limit``), or the one named."""
    rows = await ops_views.performance(ctx.service.pool, trader_id, limit)
    return json_response({"traders": rows})


@router.get(
    "/orders/{order_id}/legs",
    summary="An order's legs as the gateway saw them",
    response_model=None,
)
async def order_legs(order_id: OrderId, ctx: Ctx) -> Response:
    return json_response(
        {"order_id": order_id, "legs": await ops_views.order_legs(ctx.service.pool, order_id)}
    )
