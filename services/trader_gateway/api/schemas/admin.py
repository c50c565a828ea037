"""Ops' bodies: trading houses and their keys."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, Field, StrictBool, StrictInt, field_validator

from services.trader_gateway.api.schemas.common import NonNegativeAmount, RequestBody
from services.trader_gateway.domain import KeyRecord
from services.trader_gateway.repository.traders import Trader
from shared.catalogue import load_catalogue

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
    capacity: str
    exposure_limit_usd: str
    active: bool
    keys: list[KeyOut]

    @classmethod
    def of(cls, trader: Trader, keys: list[KeyRecord]) -> TraderOut:
        return cls(
            trader_id=trader.trader_id,
            name=trader.name,
            markets=list(trader.markets),
            rank=trader.rank,
            capacity=str(trader.capacity),
            exposure_limit_usd=str(trader.exposure_limit_usd),
            active=trader.active,
            keys=[KeyOut.of(k) for k in keys],
        )
