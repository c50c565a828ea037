"""POST /v1/legs/{leg_id}/fills and /v1/fills/batch: the money flow.

Each runs in one transaction that locks the legs, checks every fill against what is
left, books it, enqueues ``fill.confirmed`` and stores the answer under the
Idempotency-Key: all of it, or (on a refusal or a failure) none of the booking.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from services.trader_gateway.api.context import Gateway, gateway
from services.trader_gateway.api.idempotency import (
    IdempotencyKey,
    Reply,
    refused,
    reply,
    run_idempotent,
)
from services.trader_gateway.api.json_body import DecimalJsonRoute
from services.trader_gateway.api.problems import problem_responses
from services.trader_gateway.api.routes.legs import LegId
from services.trader_gateway.api.schemas.fills import (
    BatchRequest,
    BatchResponse,
    BatchResult,
    FillOut,
    FillRequest,
)
from services.trader_gateway.api.security import Trader
from services.trader_gateway.domain import BatchFill, FillRefused
from services.trader_gateway.handlers import fills
from shared.db import Connection

router = APIRouter(
    route_class=DecimalJsonRoute,
    tags=["fills"],
    responses=problem_responses(400, 401, 404, 409, 413, 422, 429, 500, 504),
)
Ctx = Annotated[Gateway, Depends(gateway)]


@router.post(
    "/legs/{leg_id}/fills",
    summary="Confirm a fill on one of my legs",
    status_code=201,
    response_model=FillOut,
)
async def confirm_fill(
    leg_id: LegId,
    body: FillRequest,
    principal: Trader,
    key: IdempotencyKey,
    request: Request,
    ctx: Ctx,
) -> Response:
    """Refused with a reason, and nothing emitted, if it exceeds what is left, is priced
    above the limit, names another mineral or unit, or comes after the deadline."""
    now = ctx.clock()

    async def action(conn: Connection) -> Reply:
        result = await fills.confirm_fill(conn, principal.trader_id, leg_id, body.proposal(), now)
        if isinstance(result, FillRefused):
            return refused(result)
        return reply(201, FillOut.of(result, now))

    return await run_idempotent(ctx, request, principal, key, action)


@router.post(
    "/fills/batch",
    summary="Confirm many fills at once, each with its own result",
    response_model=BatchResponse,
)
async def confirm_batch(
    body: BatchRequest, principal: Trader, key: IdempotencyKey, request: Request, ctx: Ctx
) -> Response:
    """Items are checked in order, each against the legs as the items before it left
    them; refused items book nothing and do not stop the others. One Idempotency-Key
    covers the whole batch."""
    now = ctx.clock()
    items = [BatchFill(item.leg_id, item.proposal()) for item in body.fills]

    async def action(conn: Connection) -> Reply:
        outcome = await fills.confirm_batch(conn, principal.trader_id, items, now)
        if isinstance(outcome, FillRefused):
            return refused(outcome)
        results = [BatchResult.of(i, result, now) for i, result in enumerate(outcome)]
        return reply(200, BatchResponse.of(results))

    return await run_idempotent(ctx, request, principal, key, action)
