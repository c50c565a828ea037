"""Value types shared by the contracts: decimals with explicit units, never floats."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MassUnit = Literal["t", "kg"]
Currency = Literal["USD"]

# Bounded decimals: a huge or over-precise number is a validation error, not a surprise.
Amount = Annotated[Decimal, Field(max_digits=18, decimal_places=6, allow_inf_nan=False)]
PositiveAmount = Annotated[
    Decimal, Field(gt=0, max_digits=18, decimal_places=6, allow_inf_nan=False)
]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:/-]+$")]


class Contract(BaseModel):
    """Base of every payload: frozen, added fields accepted and ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Quantity(Contract):
    amount: PositiveAmount
    unit: MassUnit


class UnitPrice(Contract):
    amount: PositiveAmount
    currency: Currency = "USD"
    per: MassUnit
