"""Ready-made values for the trader gateway tests; override only what a test is about."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from services.trader_gateway.domain import (
    FillProposal,
    Leg,
    LegKind,
    LegStatus,
    OfferDraft,
    TraderRegistration,
)
from shared.contracts import Tier, Unit

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TRADER = "trader-7f3a"
OTHER_TRADER = "trader-91bc"

_LEG = Leg(
    leg_id="leg-5d2e",
    order_id="order-a41c",
    trader_id=TRADER,
    mineral="cobalt",
    unit=Unit.TONNE,
    quantity=Decimal("100"),
    filled_quantity=Decimal("0"),
    limit_price=Decimal("33000.00"),
    deadline=NOW + timedelta(days=3),
    status=LegStatus.OPEN,
    tier_preference=(Tier.ALLIED,),
    kind=LegKind.OFFER_BACKED,
)

_PROPOSAL = FillProposal(
    quantity=Decimal("40"),
    unit_price=Decimal("32500.00"),
    mineral="cobalt",
    origin_country="AU",
    warehouse_id="wh-rotterdam-3",
    lot_reference="LOT-2026-0042",
    filled_at=NOW - timedelta(minutes=5),
    unit=Unit.TONNE,
    price_per=Unit.TONNE,
)

_DRAFT = OfferDraft(
    offer_id="offer-0c9d",
    mineral="cobalt",
    market="cobalt",
    origin_country="CA",
    unit=Unit.TONNE,
    quantity=Decimal("250"),
    unit_price=Decimal("31800.50"),
    warehouse_id="wh-antwerp-1",
    valid_until=NOW + timedelta(days=30),
    available_on=NOW.date() + timedelta(days=7),
)

REGISTRATION = TraderRegistration(TRADER, frozenset({"cobalt", "nickel"}))


def a_leg(**changes: Any) -> Leg:
    return replace(_LEG, **changes)


def a_proposal(**changes: Any) -> FillProposal:
    return replace(_PROPOSAL, **changes)


def a_draft(**changes: Any) -> OfferDraft:
    return replace(_DRAFT, **changes)
