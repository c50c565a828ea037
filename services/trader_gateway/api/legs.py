"""/v1/legs: the trader's own legs, nobody else's; and declining what is left of one."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Path, Query, Request
from starlette.responses import Response

from services.trader_gateway import views
from services.trader_gateway.api import idempotency
from services.trader_gateway.api.idempotency import IdempotencyKey
from services.trader_gateway.api.schemas import DeclineOut, DeclineRequest, LegOut, LegPage
from services.trader_gateway.api.security import Caller, Ctx
from services.trader_gateway.api.values import ID_PATTERN
from services.trader_gateway.handlers import declines
from services.trader_gateway.handlers.declines import DeclineOutcome
from services.trader_gateway.repository.idempotency import StoredResponse
from services.trader_gateway.repository.legs import LegRecord
from services.trader_gateway.views import LegFilter
from shared.contracts import Unit
from shared.http import paging
from shared.http.app import router as api_router
from shared.http.problems import not_found, problem_responses

router = api_router(
    tags=["legs"],
    responses=problem_responses(400, 401, 404, 409, 413, 422, 429, 500, 504),
)
MAX_WAIT_S = 5.0  # well under the request timeout (10 s by default); a client asks again
LegId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
Mineral = Annotated[str | None, Query(min_length=1, max_length=64, pattern=ID_PATTERN)]


@router.get("/legs", summary="List my legs", response_model=LegPage)
async def list_legs(
    caller: Caller,
    ctx: Ctx,
    status: Annotated[
        LegFilter, Query(description="active = open or partly filled, before the deadline")
    ] = "active",
    mineral: Mineral = None,
    limit: paging.Limit = paging.DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
    wait: Annotated[
        float,
        Query(
            ge=0,
            le=MAX_WAIT_S,
            description="Seconds to hold the request open while the page is empty: it is"
            " answered as soon as a leg for you arrives (long-poll; 0 answers at once).",
        ),
    ] = 0,
) -> LegPage:
    """Soonest deadline first. Only legs routed to you are ever listed."""
    listing = f"legs:v1:{status}:{mineral or ''}"
    after = paging.after(cursor, listing)

    async def page() -> list[LegRecord]:
        return await views.legs_page(
            ctx.service.pool,
            caller.trader_id,
            status=status,
            mineral=mineral,
            after=after,
            limit=limit + 1,
        )

    rows = await page()
    if not rows and wait > 0:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        with ctx.bell.listening(caller.trader_id) as rung:
            while not rows and (left := deadline - loop.time()) > 0:
                await ctx.bell.wait(rung, left)
                rows = await page()
    shown, next_cursor = paging.page(rows, limit, listing, lambda r: (r.leg.deadline, r.leg.leg_id))
    now = ctx.clock()
    return LegPage(items=[LegOut.of(r, now) for r in shown], next_cursor=next_cursor)


@router.get("/legs/{leg_id}", summary="Read one of my legs", response_model=LegOut)
async def read_leg(leg_id: LegId, caller: Caller, ctx: Ctx) -> LegOut:
    """What is left to fill, the limit price and the deadline. Another trader's leg is 404."""
    record = await views.leg(ctx.service.pool, leg_id, caller.trader_id)
    if record is None:
        raise not_found("leg not found")
    return LegOut.of(record, ctx.clock())


@router.post(
    "/legs/{leg_id}/decline", summary="Decline a leg or its remainder", response_model=DeclineOut
)
async def decline_leg(
    leg_id: LegId,
    body: DeclineRequest,
    caller: Caller,
    key: IdempotencyKey,
    request: Request,
    ctx: Ctx,
) -> Response:
    """What was filled stands; the rest goes back to sourcing (``leg.closed``, reason
    ``declined``), which cascades it to the next candidate."""
    now = ctx.clock()
    claim = await idempotency.claim_of(request, caller, key)
    stated = None if body.quantity is None else (body.quantity.amount, Unit(body.quantity.unit))

    def answer(outcome: DeclineOutcome) -> StoredResponse:
        if isinstance(outcome, declines.DeclineBooked):
            return idempotency.reply(claim, 200, DeclineOut.of(outcome, now))
        return idempotency.refused(claim, outcome)

    async with ctx.service.transaction() as conn:
        answered = await declines.decline(
            conn, caller.trader_id, leg_id, stated, body.reason, now, claim, answer
        )
    return idempotency.respond(answered, claim)
