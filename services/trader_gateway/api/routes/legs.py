"""GET /v1/legs and /v1/legs/{leg_id}: the trader's own legs, nobody else's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from services.trader_gateway.api import paging
from services.trader_gateway.api.context import Gateway, gateway
from services.trader_gateway.api.json_body import DecimalJsonRoute
from services.trader_gateway.api.problems import ProblemError, problem_responses
from services.trader_gateway.api.schemas.common import ID_PATTERN
from services.trader_gateway.api.schemas.legs import LegOut, LegPage
from services.trader_gateway.api.security import Trader
from services.trader_gateway.domain import RefusalCode
from services.trader_gateway.repository import legs as repo
from services.trader_gateway.repository.legs import StatusFilter

router = APIRouter(
    route_class=DecimalJsonRoute,
    tags=["legs"],
    responses=problem_responses(400, 401, 404, 422, 429, 500, 504),
)
Ctx = Annotated[Gateway, Depends(gateway)]
LegId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
NOT_FOUND = "leg not found"


@router.get("/legs", summary="List my legs", response_model=LegPage)
async def list_legs(
    principal: Trader,
    ctx: Ctx,
    status: Annotated[
        StatusFilter, Query(description="active = open or partly filled, before the deadline")
    ] = "active",
    mineral: Annotated[str | None, Query(min_length=1, max_length=64, pattern=ID_PATTERN)] = None,
    limit: paging.Limit = paging.DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
) -> LegPage:
    """Soonest deadline first. Only legs routed to you are ever listed."""
    listing = f"legs:v1:{status}:{mineral or ''}"
    start = paging.after(cursor, listing)
    async with ctx.pool.acquire() as conn:
        rows = await repo.page(
            conn, principal.trader_id, status=status, mineral=mineral, after=start, limit=limit + 1
        )
    shown, next_cursor = paging.page(rows, limit, listing, lambda r: (r.leg.deadline, r.leg.leg_id))
    now = ctx.clock()
    return LegPage(items=[LegOut.of(r, now) for r in shown], next_cursor=next_cursor)


@router.get("/legs/{leg_id}", summary="Read one of my legs", response_model=LegOut)
async def read_leg(leg_id: LegId, principal: Trader, ctx: Ctx) -> LegOut:
    """What is left to fill, the limit price and the deadline. Another trader's leg is 404."""
    async with ctx.pool.acquire() as conn:
        record = await repo.get(conn, leg_id, principal.trader_id)
    if record is None:
        raise ProblemError.of_code(RefusalCode.NOT_FOUND, NOT_FOUND)
    return LegOut.of(record, ctx.clock())
