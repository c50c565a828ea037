"""/v1/offers: publish, update, withdraw and list what the trader can supply."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Path, Query, Request
from starlette.responses import Response

from services.trader_gateway import views
from services.trader_gateway.api import idempotency
from services.trader_gateway.api.idempotency import IdempotencyKey
from services.trader_gateway.api.legs import Mineral
from services.trader_gateway.api.schemas import OfferOut, OfferPage, OfferRequest, OfferTerms
from services.trader_gateway.api.security import Caller, Ctx
from services.trader_gateway.api.values import ID_PATTERN
from services.trader_gateway.domain import OfferRefused
from services.trader_gateway.handlers import offers
from services.trader_gateway.handlers.offers import OfferOutcome
from services.trader_gateway.repository.idempotency import Claim, StoredResponse
from services.trader_gateway.views import OfferFilter
from shared.http import paging
from shared.http.app import router as api_router
from shared.http.problems import not_found, problem_responses

router = api_router(
    tags=["offers"],
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422, 429, 500, 504),
)
OfferId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]


def _answer(claim: Claim, status: int, now: datetime) -> Callable[[OfferOutcome], StoredResponse]:
    def answer(outcome: OfferOutcome) -> StoredResponse:
        if isinstance(outcome, OfferRefused):
            return idempotency.refused(claim, outcome)
        created = {"Location": f"/v1/offers/{outcome.offer.offer_id}"} if status == 201 else None
        return idempotency.reply(claim, status, OfferOut.of(outcome, now), created)

    return answer


@router.post("/offers", summary="Publish an offer", status_code=201, response_model=OfferOut)
async def publish_offer(
    body: OfferRequest, caller: Caller, key: IdempotencyKey, request: Request, ctx: Ctx
) -> Response:
    """Only for markets you are registered for (403 otherwise). Emits ``offer.published``."""
    now = ctx.clock()
    claim = await idempotency.claim_of(request, caller, key)
    # Ours, not the trader's: a chosen id could collide with (and so reveal) another's.
    offer_id = f"offer_{uuid.uuid4().hex}"
    async with ctx.service.transaction() as conn:
        answered = await offers.publish(
            conn,
            ctx.catalogue,
            caller.trader_id,
            offer_id,
            body.proposal(),
            now,
            claim,
            _answer(claim, 201, now),
        )
    return idempotency.respond(answered, claim)


@router.put("/offers/{offer_id}", summary="Update an offer's terms", response_model=OfferOut)
async def update_offer(
    offer_id: OfferId,
    body: OfferTerms,
    caller: Caller,
    key: IdempotencyKey,
    request: Request,
    ctx: Ctx,
) -> Response:
    """Replaces quantity, price, warehouse and dates; emits ``offer.published`` again
    (same offer id) when anything changed."""
    now = ctx.clock()
    claim = await idempotency.claim_of(request, caller, key)
    async with ctx.service.transaction() as conn:
        answered = await offers.update(
            conn,
            caller.trader_id,
            offer_id,
            body.changes(),
            body.units,
            now,
            claim,
            _answer(claim, 200, now),
        )
    return idempotency.respond(answered, claim)


@router.delete("/offers/{offer_id}", summary="Withdraw an offer", response_model=OfferOut)
async def withdraw_offer(
    offer_id: OfferId, caller: Caller, key: IdempotencyKey, request: Request, ctx: Ctx
) -> Response:
    """Always allowed for your own active offer; emits ``offer.withdrawn``."""
    now = ctx.clock()
    claim = await idempotency.claim_of(request, caller, key)
    async with ctx.service.transaction() as conn:
        answered = await offers.withdraw(
            conn, caller.trader_id, offer_id, now, claim, _answer(claim, 200, now)
        )
    return idempotency.respond(answered, claim)


@router.get("/offers", summary="List my offers", response_model=OfferPage)
async def list_offers(
    caller: Caller,
    ctx: Ctx,
    status: Annotated[OfferFilter, Query()] = "active",
    mineral: Mineral = None,
    limit: paging.Limit = paging.DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
) -> OfferPage:
    listing = f"offers:v1:{status}:{mineral or ''}"
    rows = await views.offers_page(
        ctx.service.pool,
        caller.trader_id,
        status=status,
        mineral=mineral,
        after=paging.after(cursor, listing),
        limit=limit + 1,
    )
    shown, next_cursor = paging.page(
        rows, limit, listing, lambda r: (r.created_at, r.offer.offer_id)
    )
    now = ctx.clock()
    return OfferPage(items=[OfferOut.of(r, now) for r in shown], next_cursor=next_cursor)


@router.get("/offers/{offer_id}", summary="Read one of my offers", response_model=OfferOut)
async def read_offer(offer_id: OfferId, caller: Caller, ctx: Ctx) -> OfferOut:
    record = await views.offer(ctx.service.pool, offer_id, caller.trader_id)
    if record is None:
        raise not_found("offer not found")
    return OfferOut.of(record, ctx.clock())
