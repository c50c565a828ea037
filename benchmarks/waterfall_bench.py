"""How many sourcing decisions per second the pure waterfall makes over a ~3000-offer book.

Not a test: run it by hand to see whether a change slowed the domain down.

    .venv/bin/python benchmarks/waterfall_bench.py [--offers 3000] [--decisions 300]

Each decision screens the offers of its own mineral (every one gets a recorded
outcome: they are what was considered), ranks the eligible ones and splits the
request into legs. The book is the same for every decision, as when a burst of
requests arrives before any is stored. Three books of the same size: one mineral
(every offer is considered: the worst case), five, and the whole catalogue (the
program's real spread, about fifty offers a mineral).

Then the same requests as one batch, as sourcing's batch handler places them: each
request an order, placed in turn (``place_open``) against the book and the traders'
room the one before it left, its legs, record and events built.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from services.sourcing.domain import (
    Offer,
    OrderState,
    OrderStatus,
    ProcurementRequest,
    Rosters,
    Situation,
    SourcingContext,
    SupplyBook,
    TierPolicy,
    Trader,
    TraderRoster,
    Trigger,
    allocate,
    place_open,
)
from shared.catalogue import load_catalogue
from shared.contracts import Phase, Tier, Unit

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
            _measure_in_turn(book, batch, phase, len(minerals))


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


def _measure_in_turn(
    book: SupplyBook, batch: list[ProcurementRequest], phase: Phase, minerals: int
) -> None:
    offers: dict[str, list[Offer]] = {}
    for offer in book:
        offers.setdefault(offer.mineral, []).append(offer)
    situation = Situation(
        phases={mineral: phase for mineral in offers},
        books={
            mineral: SupplyBook.of(group).consume(
                {o.offer_id: o.quantity - book.remaining(o.offer_id) for o in group}
            )
            for mineral, group in offers.items()
        },
        rosters=Rosters(roster().traders, {}, {}),
        policy=POLICY,
        leg_ttl=timedelta(days=1),
        now=NOW,
    )
    orders = [_order(request) for request in batch]
    legs = 0
    started = time.perf_counter()
    for order in orders:
        placed = place_open(order, situation, Trigger.REQUESTED)
        legs += len(placed.change.opened)
        situation = placed.situation or situation
    elapsed = time.perf_counter() - started
    print(
        f"{'':>{len(str(len(book)))}}  in turn, as one batch  : "
        f"{len(batch) / elapsed:7.1f} orders/s    "
        f"({elapsed / len(batch) * 1000:.2f} ms each, {legs / len(batch):.1f} legs avg)"
    )


def _order(request: ProcurementRequest) -> OrderState:
    return OrderState(
        order_id=request.request_id,
        manufacturer_id="bench",
        request_id=request.request_id,
        kind="procurement",
        mineral=request.mineral,
        market=request.market,
        unit=Unit.TONNE,
        quantity=request.quantity,
        deliver_by=request.deliver_by,
        limit_price=request.limit_price,
        status=OrderStatus.WAITING,
        filled=Decimal(0),
        open_quantity=request.quantity,
        open_reason="not yet placed",
        on_legs=Decimal(0),
        next_sequence=1,
        excluded_offers=frozenset(),
        excluded_specialists=frozenset(),
        correlation_id=request.request_id,
    )


if __name__ == "__main__":
    main()
