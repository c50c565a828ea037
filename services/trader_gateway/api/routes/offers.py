"""/v1/offers: publish, update, withdraw and list what the trader can supply."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from services.trader_gateway.api import paging
from services.trader_gateway.api.context import Gateway, gateway
from services.trader_gateway.api.idempotency import (
    IdempotencyKey,
    Reply,
    refused,
    reply,
    run_idempotent,
)
from services.trader_gateway.api.json_body import DecimalJsonRoute
from services.trader_gateway.api.problems import ProblemError, problem_responses
from services.trader_gateway.api.schemas.common import ID_PATTERN
from services.trader_gateway.api.schemas.offers import OfferOut, OfferPage, OfferRequest, OfferTerms
from services.trader_gateway.api.security import Trader
from services.trader_gateway.domain import OfferRefused, RefusalCode
from services.trader_gateway.handlers import offers
from services.trader_gateway.repository import offers as repo
from services.trader_gateway.repository.offers import OfferRecord, OfferStatusFilter
from shared.db import Connection

router = APIRouter(
    route_class=DecimalJsonRoute,
    tags=["offers"],
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422, 429, 500, 504),
)
Ctx = Annotated[Gateway, Depends(gateway)]
OfferId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]


def _answer(result: OfferRecord | OfferRefused, status: int, ctx: Gateway) -> Reply:
    if isinstance(result, OfferRefused):
        return refused(result)
    headers = {"Location": f"/v1/offers/{result.offer.offer_id}"} if status == 201 else None
    return reply(status, OfferOut.of(result, ctx.clock()), headers)


@router.post("/offers", summary="Publish an offer", status_code=201, response_model=OfferOut)
async def publish_offer(
    body: OfferRequest, principal: Trader, key: IdempotencyKey, request: Request, ctx: Ctx
) -> Response:
    """Only for markets you are registered for (403 otherwise). Emits ``offer.published``."""
    now = ctx.clock()
    # Ours, not the trader's: a chosen id could collide with (and so reveal) another's.
    offer_id = f"offer_{uuid.uuid4().hex}"
    draft = offers.draft_offer(
        ctx.catalogue,
        offer_id=offer_id,
        mineral=body.mineral,
        origin_country=body.origin_country,
        quantity=(body.quantity.amount, body.quantity.unit_value),
        unit_price=(body.unit_price.amount, body.unit_price.per_value),
        warehouse_id=body.warehouse_id,
        available_on=body.available_on,
        valid_until=body.valid_until,
    )

    async def action(conn: Connection) -> Reply:
        if isinstance(draft, OfferRefused):
            return refused(draft)
        return _answer(await offers.publish(conn, principal.trader_id, draft, now), 201, ctx)

    return await run_idempotent(ctx, request, principal, key, action)


@router.put("/offers/{offer_id}", summary="Update an offer's terms", response_model=OfferOut)
async def update_offer(
    offer_id: OfferId,
    body: OfferTerms,
    principal: Trader,
    key: IdempotencyKey,
    request: Request,
    ctx: Ctx,
) -> Response:
    """Replaces quantity, price, warehouse and dates; emits ``offer.published`` again
    (same offer id) when anything changed."""
    now = ctx.clock()
    units = (body.quantity.unit_value, body.unit_price.per_value)

    async def action(conn: Connection) -> Reply:
        result = await offers.update(
            conn, principal.trader_id, offer_id, body.changes(), units, now
        )
        return _answer(result, 200, ctx)

    return await run_idempotent(ctx, request, principal, key, action)


@router.delete("/offers/{offer_id}", summary="Withdraw an offer", response_model=OfferOut)
async def withdraw_offer(
    offer_id: OfferId, principal: Trader, key: IdempotencyKey, request: Request, ctx: Ctx
) -> Response:
    """Always allowed for your own active offer; emits ``offer.withdrawn``."""
    now = ctx.clock()

    async def action(conn: Connection) -> Reply:
        return _answer(await offers.withdraw(conn, principal.trader_id, offer_id, now), 200, ctx)

    return await run_idempotent(ctx, request, principal, key, action)


@router.get("/offers", summary="List my offers", response_model=OfferPage)
async def list_offers(
    principal: Trader,
    ctx: Ctx,
    status: Annotated[OfferStatusFilter, Query()] = "active",
    mineral: Annotated[str | None, Query(min_length=1, max_length=64, pattern=ID_PATTERN)] = None,
    limit: paging.Limit = paging.DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
) -> OfferPage:
    listing = f"offers:v1:{status}:{mineral or ''}"
    start = paging.after(cursor, listing)
    async with ctx.pool.acquire() as conn:
        rows = await repo.page(
            conn, principal.trader_id, status=status, mineral=mineral, after=start, limit=limit + 1
        )
    shown, next_cursor = paging.page(
        rows, limit, listing, lambda r: (r.created_at, r.offer.offer_id)
    )
    now = ctx.clock()
    return OfferPage(items=[OfferOut.of(r, now) for r in shown], next_cursor=next_cursor)


@router.get("/offers/{offer_id}", summary="Read one of my offers", response_model=OfferOut)
async def read_offer(offer_id: OfferId, principal: Trader, ctx: Ctx) -> OfferOut:
    async with ctx.pool.acquire() as conn:
        record = await repo.get(conn, offer_id, principal.trader_id)
    if record is None:
        raise ProblemError.of_code(RefusalCode.NOT_FOUND, "offer not found")
    return OfferOut.of(record, ctx.clock())
