"""Declining a leg's remainder."""

from __future__ import annotations

from pydantic import BaseModel, Field

from services.trader_gateway.api.schemas.common import QuantityIn, QuantityOut, RequestBody
from services.trader_gateway.api.schemas.legs import LegOut
from services.trader_gateway.domain import MAX_REASON_LENGTH


class DeclineRequest(RequestBody):
    reason: str = Field(min_length=1, max_length=MAX_REASON_LENGTH)
    quantity: QuantityIn | None = Field(
        default=None,
        description="optional check: must equal what is left, so a fill that landed since "
        "you looked is not declined by mistake",
    )


class DeclineOut(BaseModel):
    declined: QuantityOut
    reason: str
    leg: LegOut
