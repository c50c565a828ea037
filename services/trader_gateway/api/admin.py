"""/v1/admin: ops register trading houses and manage their keys. Program admins only (keys from access).

The bodies are here, beside their routes: they are ops', not traders'.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, Field, StrictBool, StrictInt, field_validator
from starlette.responses import Response

from services.trader_gateway import views
from services.trader_gateway.api.security import Admin, Ctx
from services.trader_gateway.api.values import ID_PATTERN, NonNegativeAmount, RequestBody
from services.trader_gateway.domain import KeyRecord, Trader
from services.trader_gateway.handlers import traders
from shared.catalogue import load_catalogue
from shared.http.app import router as api_router
from shared.http.json import DecimalText
from shared.http.problems import not_found, problem_responses

router = api_router(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Admin],
    responses=problem_responses(400, 401, 404, 413, 422, 429, 500, 503, 504),
)
TraderId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
KeyId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
MAX_ROTATION_GRACE = timedelta(days=30)
# Documented as an enum from the catalogue; the validator below is what enforces it.
Market = Annotated[str, Field(json_schema_extra={"enum": list(load_catalogue().markets)})]


class TraderRequest(RequestBody):
    """A trading house's terms. Markets, rank and limits are ops data, never code."""

    name: str = Field(min_length=1, max_length=200)
    markets: list[Market] = Field(min_length=1, max_length=50, description="catalogue market ids")
    rank: StrictInt = Field(ge=1, le=10_000, description="1 = first choice within its markets")
    capacity: NonNegativeAmount = Field(description="most open quantity at once, market unit")
    exposure_limit_usd: NonNegativeAmount
    active: StrictBool = True

    @field_validator("name")
    @classmethod
    def _printable(cls, name: str) -> str:
        # NUL cannot be stored, and invisible or control characters would let two names
        # look identical to an operator.
        if not name.isprintable() or name != name.strip():
            raise ValueError("name must be printable text without leading or trailing spaces")
        return name

    @field_validator("markets")
    @classmethod
    def _known_markets(cls, markets: list[str]) -> list[str]:
        known = set(load_catalogue().markets)
        unknown = sorted(set(markets) - known)
        if unknown:
            raise ValueError(f"unknown markets {unknown}; known: {sorted(known)}")
        return sorted(set(markets))

    def trader(self, trader_id: str) -> Trader:
        return Trader(
            trader_id=trader_id,
            name=self.name,
            markets=tuple(self.markets),
            rank=self.rank,
            capacity=self.capacity,
            exposure_limit_usd=self.exposure_limit_usd,
            active=self.active,
        )


class KeyRequest(RequestBody):
    retire_others_after_seconds: StrictInt | None = Field(
        default=None,
        ge=0,
        le=int(MAX_ROTATION_GRACE.total_seconds()),
        description="rotate: the trader's other keys stop working after this grace period",
    )


class KeyOut(BaseModel):
    key_id: str
    created_at: datetime
    revoked_at: datetime | None = Field(description="may be in the future: a rotation's grace")

    @classmethod
    def of(cls, key: KeyRecord) -> KeyOut:
        return cls(key_id=key.key_id, created_at=key.created_at, revoked_at=key.revoked_at)


class IssuedKeyOut(KeyOut):
    trader_id: str
    api_key: str = Field(description="shown once, never stored: keep it secret")
    retiring: list[KeyOut]


class TraderOut(BaseModel):
    trader_id: str
    name: str
    markets: list[str]
    rank: int
    capacity: DecimalText
    exposure_limit_usd: DecimalText
    active: bool
    keys: list[KeyOut]

    @classmethod
    def of(cls, trader: Trader, keys: list[KeyRecord]) -> TraderOut:
        return cls(
            trader_id=trader.trader_id,
            name=trader.name,
            markets=list(trader.markets),
            rank=trader.rank,
            capacity=trader.capacity,
            exposure_limit_usd=trader.exposure_limit_usd,
            active=trader.active,
            keys=[KeyOut.of(k) for k in keys],
        )


@router.put(
    "/traders/{trader_id}",
    summary="Register or change a trading house",
    response_model=TraderOut,
    responses={201: {"model": TraderOut, "description": "Registered"}},
)
async def register_trader(trader_id: TraderId, body: TraderRequest, ctx: Ctx) -> Response:
    """Emits ``program.trader_registered`` (sourcing keeps its roster from it) when the
    terms are new or changed. ``active: false`` stops the trader's keys at once."""
    async with ctx.service.transaction() as conn:
        outcome = await traders.register(conn, body.trader(trader_id))
        keys = await views.keys(conn, trader_id)
    out = TraderOut.of(outcome.trader, keys)
    return Response(
        out.model_dump_json(), 201 if outcome.created else 200, media_type="application/json"
    )


@router.get("/traders/{trader_id}", summary="Read a trading house", response_model=TraderOut)
async def read_trader(trader_id: TraderId, ctx: Ctx) -> TraderOut:
    found = await views.trader(ctx.service.pool, trader_id)
    if found is None:
        raise not_found("trader not found")
    return TraderOut.of(*found)


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
    async with ctx.service.transaction() as conn:
        issued = await traders.issue(
            conn, trader_id, ctx.clock(), None if grace is None else timedelta(seconds=grace)
        )
    if issued is None:
        raise not_found("trader not found")
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
    async with ctx.service.transaction() as conn:
        revoked = await traders.revoke(conn, trader_id, key_id, ctx.clock())
    if revoked is None:
        raise not_found("key not found")
    return KeyOut.of(revoked)
