"""Small factories so each test states only what matters to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from services.sourcing.domain import (
    Exposure,
    Offer,
    ProcurementRequest,
    SourcingContext,
    SupplyBook,
    TierPolicy,
    Trader,
    TraderRoster,
)
from shared.contracts import Phase, Tier

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
DELIVER_BY = TODAY + timedelta(days=60)


def policy(
    *,
    cap: str = "0.25",
    excluded: Mapping[Phase, frozenset[str]] | None = None,
    version: str = "2026-03-01",
) -> TierPolicy:
    return TierPolicy(
        version=version,
        tiers={
            "US": Tier.DOMESTIC,
            "CA": Tier.ALLIED,
            "AU": Tier.ALLIED,
            "JP": Tier.ALLIED,
            "CN": Tier.OTHER,
        },
        domestic_premium_cap=Decimal(cap),
        excluded=dict(excluded or {}),
    )


def offer(
    offer_id: str,
    *,
    origin: str = "US",
    quantity: str = "100",
    price: str = "100",
    trader_id: str = "trader-a",
    mineral: str = "cobalt",
    warehouse: str = "wh-1",
    available_in_days: int = 10,
    valid_for: timedelta = timedelta(days=7),
) -> Offer:
    return Offer(
        offer_id=offer_id,
        trader_id=trader_id,
        mineral=mineral,
        origin_country=origin,
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        warehouse=warehouse,
        available_on=TODAY + timedelta(days=available_in_days),
        valid_until=NOW + valid_for,
    )


def request(
    *,
    quantity: str = "100",
    limit_price: str | None = None,
    mineral: str = "cobalt",
    market: str = "cobalt",
    deliver_by: date = DELIVER_BY,
    request_id: str = "req-1",
) -> ProcurementRequest:
    return ProcurementRequest(
        request_id=request_id,
        mineral=mineral,
        market=market,
        quantity=Decimal(quantity),
        limit_price=None if limit_price is None else Decimal(limit_price),
        deliver_by=deliver_by,
    )


def trader(
    trader_id: str,
    *,
    rank: int = 1,
    markets: Iterable[str] = ("cobalt",),
    capacity: str = "1000",
    exposure_limit: str = "1000000",
    active: bool = True,
) -> Trader:
    return Trader(
        trader_id=trader_id,
        markets=frozenset(markets),
        rank=rank,
        capacity=Decimal(capacity),
        exposure_limit=Decimal(exposure_limit),
        active=active,
    )


def offer_only(trader_id: str) -> Trader:
    """A trader registered for the markets only to sell from its offers: no room for mandates."""
    return trader(
        trader_id, rank=99, markets=("cobalt", "lithium"), capacity="0", exposure_limit="0"
    )


def context(
    offers: Iterable[Offer] = (),
    *,
    phase: Phase = Phase.REPLENISHMENT,
    traders: Iterable[Trader] | None = None,
    exposures: Mapping[str, Exposure] | None = None,
    tier_policy: TierPolicy | None = None,
    now: datetime = NOW,
) -> SourcingContext:
    """A context; without `traders`, every offer's trader is registered offer-only.

    Offer legs go only to traders registered for the market, so a test about the
    waterfall registers the offers' traders; a test about specialists names them.
    """
    offers = list(offers)
    if traders is None:
        traders = [offer_only(t) for t in sorted({o.trader_id for o in offers})]
    return SourcingContext(
        phase=phase,
        policy=tier_policy or policy(),
        book=SupplyBook.of(offers),
        roster=TraderRoster.of(traders, exposures),
        now=now,
    )
