"""POST /v1/legs/{leg_id}/fills and /v1/fills/batch: the money flow.

Each runs in one transaction that claims the Idempotency-Key, locks the legs, checks
every fill against what is left, books it, enqueues ``fill.confirmed`` and stores the
answer: all of it, or (on a refusal or a failure) none of the booking.
"""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from services.trader_gateway.api import idempotency
from services.trader_gateway.api.idempotency import IdempotencyKey
from services.trader_gateway.api.legs import LegId
from services.trader_gateway.api.schemas import (
    BatchRequest,
    BatchResponse,
    BatchResult,
    FillOut,
    FillRequest,
    PendingFillOut,
)
from services.trader_gateway.api.security import Caller, Ctx
from services.trader_gateway.domain import BatchFill
from services.trader_gateway.handlers import fills
from services.trader_gateway.handlers.fills import (
    BatchOutcome,
    FillBooked,
    FillHeld,
    FillOutcome,
)
from services.trader_gateway.repository.idempotency import StoredResponse
from shared.http.app import router as api_router
from shared.http.problems import problem_responses

router = api_router(
    tags=["fills"],
    responses=problem_responses(400, 401, 404, 409, 413, 422, 429, 500, 504),
)


@router.post(
    "/legs/{leg_id}/fills",
    summary="Confirm a fill on one of my legs",
    status_code=201,
    response_model=FillOut,
    responses={202: {"model": PendingFillOut, "description": "pending a program admin's approval"}},
)
async def confirm_fill(
    leg_id: LegId,
    body: FillRequest,
    caller: Caller,
    key: IdempotencyKey,
    request: Request,
    ctx: Ctx,
) -> Response:
    """Refused with a reason, and nothing emitted, if it exceeds what is left, is priced
    above the limit, names another mineral or unit, or comes after the deadline.

    Priced beyond the tolerance around treasury's reference price for the mineral, it is
    answered **202** with a pending fill: not refused, not counted (nothing emitted) until
    a program admin approves it; its quantity is held on the leg meanwhile."""
    now = ctx.clock()
    claim = await idempotency.claim_of(request, caller, key)

    def answer(outcome: FillOutcome) -> StoredResponse:
        if isinstance(outcome, FillBooked):
            return idempotency.reply(claim, 201, FillOut.of(outcome, now))
        if isinstance(outcome, FillHeld):
            return idempotency.reply(claim, 202, PendingFillOut.held(outcome, now))
        return idempotency.refused(claim, outcome)

    async with ctx.service.transaction() as conn:
        answered = await fills.confirm_fill(
            conn, caller.trader_id, leg_id, body.proposal(), now, claim, answer
        )
    return idempotency.respond(answered, claim)


@router.post(
    "/fills/batch",
    summary="Confirm many fills at once, each with its own result",
    response_model=BatchResponse,
)
async def confirm_batch(
    body: BatchRequest, caller: Caller, key: IdempotencyKey, request: Request, ctx: Ctx
) -> Response:
    """Items are checked in order, each against the legs as the items before it left
    them; refused items book nothing and do not stop the others. One Idempotency-Key
    covers the whole batch, booked in one transaction of two statements."""
    now = ctx.clock()
    claim = await idempotency.claim_of(request, caller, key)
    items = [BatchFill(item.leg_id, item.proposal()) for item in body.fills]

    def answer(outcome: BatchOutcome) -> StoredResponse:
        if isinstance(outcome, list):
            results = [BatchResult.of(i, result, now) for i, result in enumerate(outcome)]
            return idempotency.reply(claim, 200, BatchResponse.of(results))
        return idempotency.refused(claim, outcome)

    async with ctx.service.transaction() as conn:
        answered = await fills.confirm_batch(conn, caller.trader_id, items, now, claim, answer)
    return idempotency.respond(answered, claim)
