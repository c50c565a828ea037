"""How many sourcing decisions per second the pure waterfall makes over a ~3000-offer book.

Not a test: run it by hand to see whether a change slowed the domain down.

    .venv/bin/python benchmarks/waterfall_bench.py [--offers 3000] [--decisions 300]

Each decision screens the offers of its own mineral (every one gets a recorded
outcome: they are what was considered), ranks the eligible ones and splits the
request into legs. The book is the same for every decision, as when a burst of
requests arrives before any is stored. Three books of the same size: one mineral
(every offer is considered: the worst case), five, and the whole catalogue (the
program's real spread, about fifty offers a mineral).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from services.sourcing.domain import (
    Offer,
    Phase,
    ProcurementRequest,
    SourcingContext,
    SupplyBook,
    Tier,
    TierPolicy,
    Trader,
    TraderRoster,
    allocate,
)
from shared.catalogue import load_catalogue

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MINERALS = ["cobalt", "lithium", "graphite", "nickel", "gallium"]
CATALOGUE = list(load_catalogue().ids)
COUNTRIES = ["US", "CA", "AU", "JP", "DE", "CN", "CD", "ID", "CL", "RU"]
POLICY = TierPolicy(
    version="bench",
    tiers={"US": Tier.DOMESTIC, "CA": Tier.ALLIED, "AU": Tier.ALLIED, "JP": Tier.ALLIED},
    domestic_premium_cap=Decimal("0.25"),
    excluded={Phase.REPLENISHMENT: frozenset({"RU"})},
)


def book_of(size: int, minerals: list[str], rng: random.Random) -> SupplyBook:
    return SupplyBook.of(
        Offer(
            offer_id=f"offer-{i:05d}",
            trader_id=f"trader-{rng.randrange(8)}",
            mineral=rng.choice(minerals),
            origin_country=rng.choice(COUNTRIES),
            quantity=Decimal(rng.randrange(1, 500)),
            unit_price=Decimal(rng.randrange(5_000, 30_000)) / 100,
            warehouse=f"wh-{rng.randrange(20)}",
            available_on=NOW.date() + timedelta(days=rng.randrange(0, 120)),
            valid_until=NOW + timedelta(hours=rng.randrange(-24, 24 * 30)),
        )
        for i in range(size)
    )


def roster() -> TraderRoster:
    # Markets are named after the minerals here: request.market == request.mineral.
    return TraderRoster.of(
        Trader(
            trader_id=f"trader-{i}",
            markets=frozenset(CATALOGUE),
            rank=i + 1,
            capacity=Decimal(100_000),
            exposure_limit=Decimal(50_000_000),
        )
        for i in range(8)
    )


def requests(count: int, minerals: list[str], rng: random.Random) -> list[ProcurementRequest]:
    return [
        ProcurementRequest(
            request_id=f"req-{i}",
            mineral=(mineral := rng.choice(minerals)),
            market=mineral,
            quantity=Decimal(rng.randrange(10, 5_000)),
            limit_price=rng.choice([None, Decimal(250), Decimal(200)]),
            deliver_by=NOW.date() + timedelta(days=rng.randrange(30, 120)),
        )
        for i in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--offers", type=int, default=3000)
    parser.add_argument("--decisions", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    # One mineral: every offer is screened, recorded and ranked, the hardest case.
    # Five, and the catalogue: a decision looks only at its own mineral's offers.
    for minerals in (MINERALS[:1], MINERALS, CATALOGUE):
        rng = random.Random(args.seed)  # noqa: S311 - reproducible test data, not secrets
        book = book_of(args.offers, minerals, rng)
        batch = requests(args.decisions, minerals, rng)
        for phase in Phase:
            _measure(book, batch, phase, len(minerals))


def _measure(
    book: SupplyBook, batch: list[ProcurementRequest], phase: Phase, minerals: int
) -> None:
    context = SourcingContext(phase=phase, policy=POLICY, book=book, roster=roster(), now=NOW)
    allocate(batch[0], context)  # warm-up, so first-call costs do not count
    legs = 0
    started = time.perf_counter()
    for request in batch:
        legs += len(allocate(request, context).decision.legs)
    elapsed = time.perf_counter() - started
    print(
        f"{len(book)} offers, {minerals} mineral(s), {phase:<13}: "
        f"{len(batch) / elapsed:7.1f} decisions/s "
        f"({elapsed / len(batch) * 1000:.2f} ms each, {legs / len(batch):.1f} legs avg)"
    )


if __name__ == "__main__":
    main()
