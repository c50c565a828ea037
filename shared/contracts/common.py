"""The base of every contract, and the values they are written in.

Decimals carry explicit units and never pass through floats. Every event payload
is an ``Event``: it states its own type, topic, version and partition key once,
here in ``shared/contracts``, and ``new_event``, the outbox, the consumers and the
AsyncAPI documents all read them from it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field


class Unit(StrEnum):
    """Mass units the catalogue quantifies minerals in; prices are per the same unit."""

    TONNE = "t"
    KILOGRAM = "kg"


class Tier(StrEnum):
    """Where material comes from, as the program's country table classes its origin."""

    DOMESTIC = "domestic"
    ALLIED = "allied"
    OTHER = "other"


class Phase(StrEnum):
    """How a mineral is bought: by availability, or down the tier waterfall."""

    INITIAL_FILL = "initial_fill"
    """Availability first: material from any origin the policy allows, soonest then cheapest."""
    REPLENISHMENT = "replenishment"
    """The tier waterfall: domestic (within the premium cap), allied, then other."""


MassUnit = Literal["t", "kg"]
Currency = Literal["USD"]

# Bounded decimals: a huge or over-precise number is a validation error, not a surprise.
Amount = Annotated[Decimal, Field(max_digits=18, decimal_places=6, allow_inf_nan=False)]
PositiveAmount = Annotated[
    Decimal, Field(gt=0, max_digits=18, decimal_places=6, allow_inf_nan=False)
]
NonNegativeAmount = Annotated[
    Decimal, Field(ge=0, max_digits=18, decimal_places=6, allow_inf_nan=False)
]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:/-]+$")]


class NaiveDatetime(ValueError):
    """A time without a zone where one is needed to compare it with other systems' times."""


def require_aware(value: datetime, what: str) -> datetime:
    """``value`` if it carries a time zone; times from many systems are compared and ordered."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetime(f"{what} must carry a time zone, got {value.isoformat()}")
    return value


class Contract(BaseModel):
    """Base of every payload and part of one: frozen, added fields accepted and ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Quantity(Contract):
    amount: PositiveAmount
    unit: MassUnit


class UnitPrice(Contract):
    amount: PositiveAmount
    currency: Currency = "USD"
    per: MassUnit


class Event(Contract):
    """A payload that travels as an event: it names its type, topic and partition key.

    Subclasses set ``EVENT_TYPE`` (past tense, ``domain.fact``), ``TOPIC`` (from
    ``shared.topics``) and, when it is not 1.0, ``VERSION``; and define
    ``partition_key``: the order or request id that keeps one story in order.
    """

    EVENT_TYPE: ClassVar[str]
    TOPIC: ClassVar[str]
    VERSION: ClassVar[str] = "1.0"

    def partition_key(self) -> str:
        raise NotImplementedError(f"{type(self).__name__} names no partition key")
