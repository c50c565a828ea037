"""POST /v1/legs/{leg_id}/decline: give back what is left of a leg, with a reason."""

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
from services.trader_gateway.api.schemas.common import quantity
from services.trader_gateway.api.schemas.declines import DeclineOut, DeclineRequest
from services.trader_gateway.api.schemas.legs import LegOut
from services.trader_gateway.api.security import Trader
from services.trader_gateway.domain import DeclineRefused
from services.trader_gateway.handlers import declines
from shared.db import Connection

router = APIRouter(
    route_class=DecimalJsonRoute,
    tags=["legs"],
    responses=problem_responses(400, 401, 404, 409, 413, 422, 429, 500, 504),
)
Ctx = Annotated[Gateway, Depends(gateway)]


@router.post(
    "/legs/{leg_id}/decline", summary="Decline a leg or its remainder", response_model=DeclineOut
)
async def decline_leg(
    leg_id: LegId,
    body: DeclineRequest,
    principal: Trader,
    key: IdempotencyKey,
    request: Request,
    ctx: Ctx,
) -> Response:
    """What was filled stands; the rest goes back to sourcing (``leg.declined``), which
    cascades it to the next candidate."""
    now = ctx.clock()
    stated = None if body.quantity is None else (body.quantity.amount, body.quantity.unit_value)

    async def action(conn: Connection) -> Reply:
        result = await declines.decline_leg(conn, principal.trader_id, leg_id, stated, body.reason)
        if isinstance(result, DeclineRefused):
            return refused(result)
        decline = result.decline
        out = DeclineOut(
            declined=quantity(decline.declined_quantity, decline.unit),
            reason=decline.reason,
            leg=LegOut.of(result.leg, now),
        )
        return reply(200, out)

    return await run_idempotent(ctx, request, principal, key, action)
