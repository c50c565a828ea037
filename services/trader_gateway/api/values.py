"""The values the API's bodies are written in: amounts with explicit units, times, ids.

Amounts are bounded decimals, read from text or exact JSON numbers (never floats)
and answered as plain decimal text; times are RFC 3339 text with an offset.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

from shared.contracts import Unit
from shared.http.json import DecimalText

_DECIMAL_TEXT = r"^\d{1,12}(\.\d{1,6})?$"
_POSITIVE_TEXT = r"^(?=.*[1-9])\d{1,12}(\.\d{1,6})?$"
_MAX_AMOUNT = 999_999_999_999.999999
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _decimal_text(pattern: str) -> Callable[[object], object]:
    compiled = re.compile(pattern)

    def check(value: object) -> object:
        # Text must be plain decimal notation, exactly as documented: no exponent, sign
        # or spaces. JSON numbers arrive as exact Decimals (shared.http.json).
        if isinstance(value, str) and not compiled.fullmatch(value):
            raise ValueError("must be a decimal such as '12.5': up to 12 digits, 6 decimals")
        return value

    return check


def _text_matching(pattern: re.Pattern[str], what: str) -> Callable[[object], object]:
    def check(value: object) -> object:
        # pydantic would also take numbers (as Unix times) and looser spellings; the
        # API promises RFC 3339 text, and a number here is more likely a bug than a time.
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise ValueError(f"must be {what}")
        return value

    return check


def _plain(value: Decimal) -> Decimal:
    # 1e3 is a valid JSON number; echoing it back as "1E+3" would not be valid text.
    return Decimal(format(value, "f"))


def _amount_schema(pattern: str, minimum: dict[str, float]) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": pattern},
                {"type": "number", **minimum, "maximum": _MAX_AMOUNT},
            ],
            "description": "decimal text (preferred) or number; at most 6 decimals",
        }
    )


Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(
        _text_matching(_RFC3339, "an RFC 3339 time with offset, e.g. 2026-03-02T12:00:00Z")
    ),
]
Day = Annotated[date, BeforeValidator(_text_matching(_ISO_DATE, "a date, e.g. 2026-03-02"))]
# Bounded: at most 12 digits before the point and 6 after, so huge or over-precise
# numbers are a 422, never an overflow, and sums stay exact (see domain/values.py).
PositiveAmount = Annotated[
    Decimal,
    BeforeValidator(_decimal_text(_POSITIVE_TEXT)),
    Field(gt=0, max_digits=18, decimal_places=6, allow_inf_nan=False),
    AfterValidator(_plain),
    _amount_schema(_POSITIVE_TEXT, {"exclusiveMinimum": 0}),
]
NonNegativeAmount = Annotated[
    Decimal,
    BeforeValidator(_decimal_text(_DECIMAL_TEXT)),
    Field(ge=0, max_digits=18, decimal_places=6, allow_inf_nan=False),
    AfterValidator(_plain),
    _amount_schema(_DECIMAL_TEXT, {"minimum": 0}),
]
MassUnit = Literal["t", "kg"]
# The outgoing event contracts' identifier shape: anything accepted here can be emitted.
ID_PATTERN = r"^[A-Za-z0-9._:/-]+$"
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2, e.g. AU")]
MineralId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuantityIn(RequestBody):
    amount: PositiveAmount
    unit: MassUnit


class UnitPriceIn(RequestBody):
    amount: PositiveAmount
    currency: Literal["USD"] = "USD"
    per: MassUnit = Field(description="the unit the price is quoted per: t or kg")


class QuantityOut(BaseModel):
    amount: DecimalText
    unit: MassUnit

    @classmethod
    def of(cls, amount: Decimal, unit: Unit) -> QuantityOut:
        return cls(amount=amount, unit=unit.value)


class UnitPriceOut(BaseModel):
    amount: DecimalText
    currency: Literal["USD"] = "USD"
    per: MassUnit

    @classmethod
    def of(cls, amount: Decimal, unit: Unit) -> UnitPriceOut:
        return cls(amount=amount, per=unit.value)
