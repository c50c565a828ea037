"""Contracts of treasury: reference prices (fed from outside, and as treasury holds them),
price tolerances and annual spending ceilings, for the services that check against them."""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, Field

from shared import topics
from shared.contracts.common import Event, Identifier, PositiveAmount, UnitPrice


class ReferencePriceReported(Event):
    """``reference_price.reported`` on ``vault.market.reference_prices``: an external price
    system's dated price for a mineral (and form). Treasury takes it as one source among
    others; ``source`` names the system (and is kept beside the price)."""

    EVENT_TYPE = "reference_price.reported"
    TOPIC = topics.MARKET_REFERENCE_PRICES

    mineral: str
    form: str = Field(default="", max_length=64, description="'' when the price is the mineral's")
    effective_on: date
    price: UnitPrice
    source: str = Field(min_length=1, max_length=120)
    reported_at: AwareDatetime

    def partition_key(self) -> str:
        return self.mineral


class ReferencePriceSet(Event):
    """``treasury.reference_price_set`` on ``vault.treasury.prices``: a reference price
    treasury holds (set by a program admin or taken from a feed), with its source.

    The reference in force for a fill is the one of its mineral and form with the latest
    ``effective_on`` not after the fill's day."""

    EVENT_TYPE = "treasury.reference_price_set"
    TOPIC = topics.TREASURY_PRICES

    mineral: str
    form: str = ""
    effective_on: date
    price: UnitPrice
    source: str
    set_by: str
    set_at: AwareDatetime

    def partition_key(self) -> str:
        return self.mineral


class PriceToleranceSet(Event):
    """``treasury.price_tolerance_set`` on ``vault.treasury.prices``: how far (a fraction,
    either way) a fill's price may deviate from the reference before it needs approval."""

    EVENT_TYPE = "treasury.price_tolerance_set"
    TOPIC = topics.TREASURY_PRICES

    mineral: str
    tolerance: PositiveAmount = Field(description="0.10 = 10% above or below the reference")
    set_by: str
    set_at: AwareDatetime

    def partition_key(self) -> str:
        return self.mineral


class AnnualCeilingSet(Event):
    """``treasury.annual_ceiling_set`` on ``vault.treasury.ceilings``: the most the program
    may spend and commit on a mineral in a calendar year (USD)."""

    EVENT_TYPE = "treasury.annual_ceiling_set"
    TOPIC = topics.TREASURY_CEILINGS

    mineral: str
    year: int = Field(ge=2000, le=2200)
    ceiling_usd: PositiveAmount
    set_by: str
    set_at: AwareDatetime

    def partition_key(self) -> str:
        return self.mineral


class FundingSourceSet(Event):
    """``treasury.funding_source_set`` on ``vault.treasury.ceilings``: a source of the
    program's money (a loan tranche, private capital) and its ceiling (USD)."""

    EVENT_TYPE = "treasury.funding_source_set"
    TOPIC = topics.TREASURY_CEILINGS

    source_id: Identifier
    name: str
    kind: str = Field(pattern=r"^(loan_tranche|private_capital)$")
    ceiling_usd: PositiveAmount
    available_from: date
    set_by: str
    set_at: AwareDatetime

    def partition_key(self) -> str:
        return self.source_id
