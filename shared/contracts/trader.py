"""Contracts of the trader gateway: the facts of legs (fills, closings), and offers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, Field

from shared import topics
from shared.contracts.common import (
    Country,
    Event,
    Identifier,
    NonNegativeAmount,
    PositiveAmount,
    Quantity,
    UnitPrice,
)


class FillConfirmed(Event):
    """``fill.confirmed`` on ``vault.trader.legs``: a trader confirmed (part of) a leg.

    The gateway owns a leg's fills: it checked this one against everything the leg
    allows (what is left, the limit price, mineral, unit, origin) before it answered
    the trader 201, so no receiver may refuse it. Keyed by order id, in the order the
    gateway decided the leg's facts; ``leg_filled`` and ``leg_remaining`` say where
    the leg stands after it. 1.1: first version on ``vault.trader.legs``, with the
    leg's totals. 1.2 (issue 17): the reference price in force and the deviation from it,
    when treasury set one (receivers of 1.1 ignore them); a fill beyond the mineral's
    tolerance is emitted only once a program admin approved it (``approved_by``).
    """

    EVENT_TYPE = "fill.confirmed"
    TOPIC = topics.TRADER_LEGS
    VERSION = "1.2"

    fill_id: Identifier
    leg_id: Identifier
    order_id: Identifier
    trader_id: Identifier
    manufacturer_id: str
    mineral: str
    quantity: Quantity
    unit_price: UnitPrice
    origin_country: Country
    warehouse_id: Identifier
    lot_reference: str
    filled_at: AwareDatetime
    leg_filled: NonNegativeAmount = Field(
        description="the leg's filled total after this fill, in its unit"
    )
    leg_remaining: NonNegativeAmount = Field(
        description="what is left to fill on the leg after this fill"
    )
    reference_price: Decimal | None = Field(
        default=None, description="1.2: the reference in force, USD per the leg's unit"
    )
    deviation: Decimal | None = Field(
        default=None, description="1.2: (unit price - reference) / reference; 0.12 = 12% above"
    )
    approved_by: str | None = Field(
        default=None, description="1.2: the program admin who approved a fill beyond tolerance"
    )

    def partition_key(self) -> str:
        return self.order_id


ClosingReason = Literal["declined", "expired", "cancelled"]


class LegClosed(Event):
    """``leg.closed`` on ``vault.trader.legs``: the leg takes no more fills, and why.

    ``declined``: the trader gave back what was left; ``expired``: the deadline passed
    (the gateway's sweep decides it, once); ``cancelled``: sourcing asked for the leg
    back and it was still open. Decided under the leg's row lock after every fill it
    took, so it follows them on this stream: ``filled`` counts them all, and
    ``undone`` (``quantity - filled``) is all that is left for sourcing to place again.
    """

    EVENT_TYPE = "leg.closed"
    TOPIC = topics.TRADER_LEGS

    leg_id: Identifier
    order_id: Identifier
    trader_id: Identifier
    mineral: str
    reason: ClosingReason
    quantity: Quantity = Field(description="the leg's whole quantity")
    filled: NonNegativeAmount = Field(description="filled on the leg before it closed, in its unit")
    undone: PositiveAmount = Field(description="what the leg leaves undone, in its unit")
    detail: str = Field(default="", description="the trader's reason, or the gateway's")
    closed_at: AwareDatetime

    def partition_key(self) -> str:
        return self.order_id


class OfferPublished(Event):
    """``offer.published``: what a trader can supply (also sent for updates, same offer id)."""

    EVENT_TYPE = "offer.published"
    TOPIC = topics.TRADER_OFFERS

    offer_id: Identifier
    trader_id: Identifier
    mineral: str
    market: str
    origin_country: Country
    quantity: Quantity
    unit_price: UnitPrice
    warehouse_id: Identifier
    available_on: date
    valid_until: AwareDatetime

    def partition_key(self) -> str:
        return self.offer_id


class OfferWithdrawn(Event):
    """``offer.withdrawn``: the offer is no longer available."""

    EVENT_TYPE = "offer.withdrawn"
    TOPIC = topics.TRADER_OFFERS

    offer_id: Identifier
    trader_id: Identifier
    mineral: str

    def partition_key(self) -> str:
        return self.offer_id
