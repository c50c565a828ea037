"""/v1/admin: ops register trading houses and manage their keys. Admin token only."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from starlette.responses import Response

from services.trader_gateway.api.context import Gateway, gateway
from services.trader_gateway.api.json_body import DecimalJsonRoute
from services.trader_gateway.api.problems import ProblemError, problem_responses
from services.trader_gateway.api.schemas.admin import (
    IssuedKeyOut,
    KeyOut,
    KeyRequest,
    TraderOut,
    TraderRequest,
)
from services.trader_gateway.api.schemas.common import ID_PATTERN
from services.trader_gateway.api.security import Admin
from services.trader_gateway.domain import RefusalCode
from services.trader_gateway.handlers import admin
from services.trader_gateway.repository import traders

router = APIRouter(
    prefix="/admin",
    route_class=DecimalJsonRoute,
    tags=["admin"],
    dependencies=[Admin],
    responses=problem_responses(400, 401, 404, 413, 422, 429, 500, 503, 504),
)
Ctx = Annotated[Gateway, Depends(gateway)]
TraderId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
KeyId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]


def _no_trader() -> ProblemError:
    return ProblemError.of_code(RefusalCode.NOT_FOUND, "trader not found")


@router.put(
    "/traders/{trader_id}",
    summary="Register or change a trading house",
    response_model=TraderOut,
    responses={201: {"model": TraderOut, "description": "Registered"}},
)
async def register_trader(trader_id: TraderId, body: TraderRequest, ctx: Ctx) -> Response:
    """Emits ``program.trader_registered`` (sourcing keeps its roster from it) when the
    terms are new or changed. ``active: false`` stops the trader's keys at once."""
    async with ctx.pool.acquire() as conn, conn.transaction():
        outcome = await admin.register_trader(conn, body.trader(trader_id))
        keys = await traders.keys_of(conn, trader_id)
    out = TraderOut.of(outcome.trader, keys)
    return Response(
        out.model_dump_json(), 201 if outcome.created else 200, media_type="application/json"
    )


@router.get("/traders/{trader_id}", summary="Read a trading house", response_model=TraderOut)
async def read_trader(trader_id: TraderId, ctx: Ctx) -> TraderOut:
    async with ctx.pool.acquire() as conn:
        trader = await traders.get(conn, trader_id)
        if trader is None:
            raise _no_trader()
        return TraderOut.of(trader, await traders.keys_of(conn, trader_id))


@router.post(
    "/traders/{trader_id}/keys",
    summary="Issue (or rotate to) a new API key",
    status_code=201,
    response_model=IssuedKeyOut,
)
async def issue_key(trader_id: TraderId, body: KeyRequest, ctx: Ctx) -> IssuedKeyOut:
    """The plaintext key is in this answer only; the gateway keeps a hash. Send ``{}``
    for an extra key, or a grace period to rotate (the others then stop after it)."""
    grace = body.retire_others_after_seconds
    async with ctx.pool.acquire() as conn, conn.transaction():
        issued = await admin.issue_trader_key(
            conn, trader_id, ctx.clock(), None if grace is None else timedelta(seconds=grace)
        )
    if issued is None:
        raise _no_trader()
    return IssuedKeyOut(
        key_id=issued.key.key_id,
        created_at=issued.key.created_at,
        revoked_at=issued.key.revoked_at,
        trader_id=trader_id,
        api_key=issued.plaintext,
        retiring=[KeyOut.of(k) for k in issued.retiring],
    )


@router.delete(
    "/traders/{trader_id}/keys/{key_id}", summary="Revoke an API key now", response_model=KeyOut
)
async def revoke_key(trader_id: TraderId, key_id: KeyId, ctx: Ctx) -> KeyOut:
    async with ctx.pool.acquire() as conn, conn.transaction():
        revoked = await admin.revoke_trader_key(conn, trader_id, key_id, ctx.clock())
    if revoked is None:
        raise ProblemError.of_code(RefusalCode.NOT_FOUND, "key not found")
    return KeyOut.of(revoked)
