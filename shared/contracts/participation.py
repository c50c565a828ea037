"""Contracts of participation: agreements, disruptions, commitment demand, obligations.

Participation owns the program's book of participation. Agreements and disruptions are
what inventory needs to judge a draw (``shared.participation_rules``); commitment demand
is what demand turns into procurement orders; obligations say what a draw owes back.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import AwareDatetime, Field

from shared import topics
from shared.contracts.common import (
    Contract,
    Event,
    Identifier,
    MassUnit,
    NonNegativeAmount,
    PositiveAmount,
    Quantity,
    UnitPrice,
)

DEFAULT_COVERAGE_TARGET_DAYS = 60


class MineralTerms(Contract):
    """One mineral of an agreement: the commitment, the set price, consumption, draw rights."""

    mineral: str
    unit: MassUnit
    committed_quantity: PositiveAmount = Field(description="what the manufacturer commits to buy")
    set_price: PositiveAmount = Field(
        description="USD per unit: the price it buys and replenishes at"
    )
    period_start: date
    period_end: date
    consumption_per_day: NonNegativeAmount = Field(
        description="declared consumption, in units a day: for days of supply"
    )
    coverage_target_days: int = Field(default=DEFAULT_COVERAGE_TARGET_DAYS, ge=1, le=3650)
    disruption_pool_share: NonNegativeAmount = Field(
        default=Decimal(0),
        le=1,
        description="in a declared disruption of the mineral: the fraction of the other "
        "participants' holdings it may draw beyond its own (0: its own holdings only)",
    )
    replenish_within_days: int = Field(
        default=90, ge=1, le=3650, description="a draw is to be bought back within this"
    )


class AgreementSet(Event):
    """``agreement.set`` on ``vault.participation.agreements``: a manufacturer's agreement in
    force from ``effective_from``, version ``version`` (each change is a new version; the
    latest version replaces every mineral's terms). Keyed by manufacturer."""

    EVENT_TYPE = "agreement.set"
    TOPIC = topics.PARTICIPATION_AGREEMENTS

    manufacturer_id: Identifier
    version: int = Field(ge=1)
    effective_from: date
    terms: list[MineralTerms]
    set_by: str = Field(default="", description="the program admin who set it")
    set_at: AwareDatetime

    def partition_key(self) -> str:
        return self.manufacturer_id


class DisruptionDeclared(Event):
    """``disruption.declared``: a supply disruption of a mineral is in force; draw rights
    widen as each agreement says, sourcing applies its disruption policy. Keyed by mineral."""

    EVENT_TYPE = "disruption.declared"
    TOPIC = topics.PARTICIPATION_DISRUPTIONS

    disruption_id: Identifier
    mineral: str
    reason: str = ""
    declared_at: AwareDatetime

    def partition_key(self) -> str:
        return self.mineral


class DisruptionEnded(Event):
    """``disruption.ended``: the disruption of the mineral is over; normal rights again."""

    EVENT_TYPE = "disruption.ended"
    TOPIC = topics.PARTICIPATION_DISRUPTIONS

    disruption_id: Identifier
    mineral: str
    ended_at: AwareDatetime

    def partition_key(self) -> str:
        return self.mineral


class CommitmentDemanded(Event):
    """``commitment.demanded`` on ``vault.participation.demand``: buy part of a commitment
    not yet covered. Participation asks (only it writes the topic), for ``manufacturer_id``;
    demand makes one procurement order per ``request_id`` (participation's id space, not the
    manufacturers'), limited by the agreement's set price. Keyed by request id."""

    EVENT_TYPE = "commitment.demanded"
    TOPIC = topics.PARTICIPATION_DEMAND

    request_id: Identifier
    manufacturer_id: Identifier
    mineral: str
    quantity: Quantity
    limit_price: UnitPrice = Field(description="the agreement's set price")
    deliver_by: date
    agreement_version: int = Field(ge=1)
    requested_at: AwareDatetime

    def partition_key(self) -> str:
        return self.request_id


class ObligationCreated(Event):
    """``obligation.created``: a draw owes its material back by ``due_by``, at most at the set
    price. The replenishment is inventory's ``replenishment.requested`` for the release
    (``replenishment_request_id``), priced by the agreement. Keyed by release id."""

    EVENT_TYPE = "obligation.created"
    TOPIC = topics.PARTICIPATION_OBLIGATIONS

    obligation_id: Identifier
    manufacturer_id: str
    release_id: str
    mineral: str
    quantity: Quantity
    due_by: date
    limit_price: UnitPrice | None = None
    replenishment_request_id: str

    def partition_key(self) -> str:
        return self.release_id


class ObligationClosed(Event):
    """``obligation.closed``: the replenishment's fills are booked into holdings."""

    EVENT_TYPE = "obligation.closed"
    TOPIC = topics.PARTICIPATION_OBLIGATIONS

    obligation_id: Identifier
    manufacturer_id: str
    release_id: str
    order_id: str
    received: PositiveAmount
    closed_at: AwareDatetime
    overdue: bool = Field(description="closed after its due date")

    def partition_key(self) -> str:
        return self.release_id
