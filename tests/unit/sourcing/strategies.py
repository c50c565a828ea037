"""Hypothesis strategies: small random books, rosters and requests over a fixed policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from hypothesis import strategies as st

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

from .builders import NOW, TODAY

COUNTRIES = ["US", "CA", "AU", "JP", "CN", "BR", "RU"]
TRADERS = ["t1", "t2", "t3"]
MARKETS = [frozenset({"cobalt"}), frozenset({"cobalt", "lithium"}), frozenset({"lithium"})]
TIERS = {"US": Tier.DOMESTIC, "CA": Tier.ALLIED, "AU": Tier.ALLIED, "JP": Tier.ALLIED}

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(500), places=3)
prices = st.decimals(min_value=Decimal(1), max_value=Decimal(300), places=2)
limits = st.decimals(min_value=Decimal(80), max_value=Decimal(400), places=2)


@dataclass(frozen=True)
class Scenario:
    request: ProcurementRequest
    context: SourcingContext


@st.composite
def policies(draw: st.DrawFn) -> TierPolicy:
    excluded = {
        phase: frozenset(draw(st.lists(st.sampled_from(COUNTRIES), max_size=1))) for phase in Phase
    }
    return TierPolicy(
        version=draw(st.sampled_from(["v1", "v2"])),
        tiers=TIERS,
        domestic_premium_cap=draw(
            st.decimals(min_value=Decimal(0), max_value=Decimal("0.6"), places=2)
        ),
        excluded=excluded,
    )


@st.composite
def offers(draw: st.DrawFn, offer_id: str) -> Offer:
    return Offer(
        offer_id=offer_id,
        trader_id=draw(st.sampled_from(TRADERS)),
        mineral=draw(st.sampled_from(["cobalt", "cobalt", "cobalt", "lithium"])),
        origin_country=draw(st.sampled_from(COUNTRIES)),
        quantity=draw(quantities),
        unit_price=draw(prices),
        warehouse=draw(st.sampled_from(["wh-1", "wh-2"])),
        available_on=TODAY + timedelta(days=draw(st.integers(0, 90))),
        valid_until=NOW + timedelta(hours=draw(st.integers(-24, 240))),
    )


@st.composite
def books(draw: st.DrawFn) -> SupplyBook:
    count = draw(st.integers(0, 15))
    book = SupplyBook.of(draw(offers(f"o{i:02d}")) for i in range(count))
    # Earlier legs may already have taken part or all of some offers.
    taken: dict[str, Decimal] = {}
    for item in book:
        share = draw(st.sampled_from([Decimal(0), Decimal(0), Decimal("0.5"), Decimal(1)]))
        taken[item.offer_id] = (item.quantity * share).quantize(Decimal("0.001"))
    return book.consume(taken)


@st.composite
def traders(draw: st.DrawFn, trader_id: str) -> Trader:
    return Trader(
        trader_id=trader_id,
        markets=draw(st.sampled_from(MARKETS)),
        rank=draw(st.integers(1, 3)),
        capacity=Decimal(draw(st.integers(0, 1000))),
        exposure_limit=Decimal(draw(st.integers(0, 300_000))),
        active=draw(st.sampled_from([True, True, True, False])),
    )


@st.composite
def rosters(draw: st.DrawFn) -> TraderRoster:
    chosen = draw(st.lists(st.sampled_from(TRADERS), unique=True, min_size=1, max_size=3))
    exposures = {
        trader_id: Exposure(
            open_quantity=draw(st.decimals(min_value=0, max_value=Decimal(200), places=3)),
            open_value=draw(st.decimals(min_value=0, max_value=Decimal(10000), places=2)),
        )
        for trader_id in TRADERS
    }
    return TraderRoster.of((draw(traders(t)) for t in chosen), exposures)


@st.composite
def requests(draw: st.DrawFn) -> ProcurementRequest:
    return ProcurementRequest(
        request_id="req",
        mineral="cobalt",
        market="cobalt",
        quantity=draw(st.decimals(min_value=Decimal("0.001"), max_value=Decimal(600), places=3)),
        limit_price=draw(st.none() | limits | limits),
        deliver_by=TODAY + timedelta(days=draw(st.integers(20, 120))),
    )


@st.composite
def scenarios(draw: st.DrawFn, phase: Phase | None = None) -> Scenario:
    return Scenario(
        request=draw(requests()),
        context=SourcingContext(
            phase=phase or draw(st.sampled_from(list(Phase))),
            policy=draw(policies()),
            book=draw(books()),
            roster=draw(rosters()),
            now=NOW,
        ),
    )
