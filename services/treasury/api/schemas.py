"""What treasury's HTTP API takes."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.common import Identifier, PositiveAmount


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReferencePriceIn(_Body):
    mineral: str = Field(min_length=1, max_length=64)
    form: str = Field(default="", max_length=64)
    effective_on: date
    price: PositiveAmount = Field(description="USD per unit of the mineral")
    unit: Literal["t", "kg"]
    source: str = Field(min_length=1, max_length=120, description="where the price comes from")


class ToleranceIn(_Body):
    tolerance: PositiveAmount = Field(le=10, description="0.10: 10% either side of the reference")


class CeilingIn(_Body):
    ceiling_usd: PositiveAmount


class FundingSourceIn(_Body):
    name: str = Field(min_length=1, max_length=120)
    kind: Literal["loan_tranche", "private_capital"]
    ceiling_usd: PositiveAmount
    available_from: date


SourceId = Identifier
