"""Legs (routed by sourcing), and the fills and closings the gateway books against them.

Every statement takes a whole set (arrays, ``unnest``): a batch of routed legs is one
insert, and a unit of work on a trader's legs two statements however many fills it
books (``claim_and_lock``, then ``save``).

Every writer of a leg locks its row first: fills and declines (``claim_and_lock``),
cancellations (``lock``) and the expiry sweep (``lock_overdue``). Concurrent writers of
one leg queue on its row: each sees the quantity the previous one left (no over-fill),
and their events enter the outbox in the order they were decided, which is the order
they leave on ``vault.trader.legs``. Rows are always locked in id order, so two units of
work naming the same legs cannot deadlock; the sweep skips rows another holds.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import asyncpg

from services.trader_gateway.domain import (
    LEG_CLOSED_BEFORE_APPROVAL,
    OPEN_STATUSES,
    FillAccepted,
    Leg,
    LegClosing,
    LegKind,
    LegStatus,
    PriceBook,
)
from services.trader_gateway.repository import idempotency
from services.trader_gateway.repository.idempotency import Claim, StoredResponse
from services.trader_gateway.repository.sql import Params, execute_all, outbox_part
from shared.contracts import Tier, Unit
from shared.db import Connection
from shared.envelope import EventMeta
from shared.treasury_rules import ReferencePrice

# Per locked leg: treasury's reference prices (the mineral's own, form '') and tolerance.
_PRICES = (
    "(SELECT coalesce(json_agg(json_build_object('effective_on', r.effective_on, "
    "'price', r.price::text, 'unit', r.unit, 'source', r.source)), '[]') "
    "FROM reference_prices r WHERE r.mineral = l.mineral AND r.form = '') AS reference_prices, "
    "(SELECT t.tolerance FROM price_tolerances t WHERE t.mineral = l.mineral) AS price_tolerance"
)

COLUMNS = (
    "leg_id, order_id, trader_id, manufacturer_id, mineral, market, unit, quantity, "
    "filled_quantity, limit_price, deadline, status, kind, offer_id, tier, origin_country, "
    "warehouse_id, tier_preference, excluded_origins, phase, policy_version, routed_at, "
    "updated_at, pending_quantity"
)


_L_COLUMNS = ", ".join(f"l.{name.strip()}" for name in COLUMNS.split(","))


@dataclass(frozen=True, slots=True)
class LegRecord:
    """A stored leg: the domain's leg plus what the view shows beside it."""

    leg: Leg
    manufacturer_id: str
    market: str
    offer_id: str | None
    tier: str | None
    warehouse_id: str | None
    phase: str
    policy_version: str
    routed_at: datetime
    updated_at: datetime | None = None  # set by the database; None before it is stored


@dataclass(frozen=True, slots=True)
class Locked:
    """A trader's legs, locked until the transaction ends, and the transaction's time
    (what ``now()`` writes as their ``updated_at``); and what treasury set for their
    minerals (reference prices, tolerances), read in the same statement."""

    legs: dict[str, LegRecord]
    at: datetime
    prices: PriceBook = field(default_factory=PriceBook)


@dataclass(frozen=True, slots=True)
class Approval:
    """A program admin's approval of a fill beyond the price tolerance: who, when, why."""

    by: str
    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class BookedFill:
    fill_id: str
    fill: FillAccepted
    event_id: uuid.UUID
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class HeldFill:
    """A fill beyond the tolerance, answered 202: stored pending, nothing emitted."""

    fill_id: str
    fill: FillAccepted
    tolerance: Decimal


@dataclass(frozen=True, slots=True)
class BookedClosing:
    closing: LegClosing
    event_id: uuid.UUID


def record_of(row: asyncpg.Record) -> LegRecord:
    leg = Leg(
        leg_id=row["leg_id"],
        order_id=row["order_id"],
        trader_id=row["trader_id"],
        mineral=row["mineral"],
        unit=Unit(row["unit"]),
        quantity=row["quantity"],
        filled_quantity=row["filled_quantity"],
        limit_price=row["limit_price"],
        deadline=row["deadline"],
        status=LegStatus(row["status"]),
        tier_preference=tuple(Tier(t) for t in row["tier_preference"]),
        kind=LegKind(row["kind"]),
        routed_at=row["routed_at"],
        origin_country=row["origin_country"],
        excluded_origins=frozenset(row["excluded_origins"]),
        pending_quantity=row["pending_quantity"],
    )
    return LegRecord(
        leg=leg,
        manufacturer_id=row["manufacturer_id"],
        market=row["market"],
        offer_id=row["offer_id"],
        tier=row["tier"],
        warehouse_id=row["warehouse_id"],
        phase=row["phase"],
        policy_version=row["policy_version"],
        routed_at=row["routed_at"],
        updated_at=row["updated_at"],
    )


async def insert_routed(conn: Connection, records: Sequence[LegRecord]) -> set[str]:
    """Store newly routed legs; returns the ids stored (a leg already known is a re-sent
    event and stays as it is). ``records`` name each leg once."""
    if not records:
        return set()
    # In id order, as every writer of legs goes: two inserts of the same new legs queue.
    records = sorted(records, key=lambda r: r.leg.leg_id)
    legs = [r.leg for r in records]
    rows = await conn.fetch(
        "INSERT INTO legs (leg_id, order_id, trader_id, manufacturer_id, mineral, market, unit, "
        "quantity, limit_price, deadline, status, kind, offer_id, tier, origin_country, "
        "warehouse_id, tier_preference, phase, policy_version, routed_at, excluded_origins) "
        "SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, "
        # A text[] per leg cannot travel in an array of arrays of uneven length: as literals.
        "c17::text[], c18, c19, c20, c21::text[] FROM unnest($1::text[], $2::text[], "
        "$3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], "
        "$9::numeric[], $10::timestamptz[], $11::text[], $12::text[], $13::text[], $14::text[], "
        "$15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::timestamptz[], "
        "$21::text[]) "
        "AS u(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, "
        "c19, c20, c21) "
        "ON CONFLICT (leg_id) DO NOTHING RETURNING leg_id",
        [leg.leg_id for leg in legs],
        [leg.order_id for leg in legs],
        [leg.trader_id for leg in legs],
        [r.manufacturer_id for r in records],
        [leg.mineral for leg in legs],
        [r.market for r in records],
        [leg.unit.value for leg in legs],
        [leg.quantity for leg in legs],
        [leg.limit_price for leg in legs],
        [leg.deadline for leg in legs],
        [leg.status.value for leg in legs],
        [leg.kind.value for leg in legs],
        [r.offer_id for r in records],
        [r.tier for r in records],
        [leg.origin_country for leg in legs],
        [r.warehouse_id for r in records],
        [_text_array(t.value for t in leg.tier_preference) for leg in legs],
        [r.phase for r in records],
        [r.policy_version for r in records],
        [r.routed_at for r in records],
        [_text_array(sorted(leg.excluded_origins)) for leg in legs],
    )
    return {row["leg_id"] for row in rows}


async def lock(conn: Connection, legs: Sequence[tuple[str, str]]) -> dict[str, LegRecord]:
    """The ``(leg_id, trader_id)`` legs that exist, locked in id order until the
    transaction ends (a fill in flight on one finishes first)."""
    if not legs:
        return {}
    rows = await conn.fetch(
        f"SELECT {_L_COLUMNS} FROM legs l "
        "JOIN unnest($1::text[], $2::text[]) AS u(leg_id, trader_id) "
        "ON (l.leg_id, l.trader_id) = (u.leg_id, u.trader_id) "
        "ORDER BY l.leg_id FOR UPDATE OF l",
        [leg_id for leg_id, _ in legs],
        [trader_id for _, trader_id in legs],
    )
    return {row["leg_id"]: record_of(row) for row in rows}


async def lock_overdue(conn: Connection, now: datetime, limit: int) -> list[LegRecord]:
    """Up to ``limit`` open legs past their deadline at ``now``, locked in id order; legs a
    fill (or another sweeper) holds are skipped, for the next round."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM legs WHERE status = ANY($1::text[]) AND deadline < $2 "
        "ORDER BY leg_id LIMIT $3 FOR UPDATE SKIP LOCKED",
        sorted(OPEN_STATUSES),
        now,
        limit,
    )
    return [record_of(row) for row in rows]


async def claim_and_lock(
    conn: Connection, claim: Claim, leg_ids: Sequence[str], trader_id: str
) -> Locked | None:
    """Claim the request's Idempotency-Key, then lock the trader's legs among ``leg_ids``;
    None if the key was claimed already (nothing is locked then).

    One round trip: the legs are read only once the claim row exists, so a concurrent
    request with the same key waits on the key before it touches any leg. The reference
    prices and tolerances of the legs' minerals come with them.
    """
    rows = await conn.fetch(
        f"WITH claimed AS ({idempotency.CLAIM}) "
        f"SELECT c.claimed_at, l.*, {_PRICES} FROM claimed c LEFT JOIN LATERAL (SELECT {COLUMNS} "
        "FROM legs WHERE leg_id = ANY($6::text[]) AND trader_id = $7 "
        "ORDER BY leg_id FOR UPDATE) l ON true",
        *idempotency.claim_params(claim),
        sorted(set(leg_ids)),
        trader_id,
    )
    if not rows:
        return None
    found = {row["leg_id"]: record_of(row) for row in rows if row["leg_id"] is not None}
    return Locked(found, rows[0]["claimed_at"], _price_book(rows))


def _price_book(rows: Sequence[asyncpg.Record]) -> PriceBook:
    prices: dict[tuple[str, date], ReferencePrice] = {}
    tolerances = {}
    for row in rows:
        if row["leg_id"] is None:
            continue
        mineral = row["mineral"]
        for p in json.loads(row["reference_prices"]):
            on = date.fromisoformat(p["effective_on"])
            price = ReferencePrice(mineral, "", on, Decimal(p["price"]), p["unit"], p["source"])
            prices[(mineral, on)] = price
        if row["price_tolerance"] is not None:
            tolerances[mineral] = row["price_tolerance"]
    return PriceBook.of(prices.values(), tolerances)


async def save(
    conn: Connection,
    *,
    legs: Sequence[Leg] = (),
    fills: Sequence[BookedFill] = (),
    held: Sequence[HeldFill] = (),
    closings: Sequence[BookedClosing] = (),
    events: Sequence[EventMeta] = (),
    answer: tuple[Claim, StoredResponse] | None = None,
) -> None:
    """Write what a unit of work on locked legs decided, in one round trip: the legs as
    they end (one each), the fills held or booked, the closings, their outbox rows, the
    answer."""
    p = Params()
    parts = []
    if legs:
        parts.append(
            "UPDATE legs SET filled_quantity = u.f, status = u.s, pending_quantity = u.h, "
            "updated_at = now() FROM "
            f"unnest({p([leg.leg_id for leg in legs], 'text[]')}, "
            f"{p([leg.filled_quantity for leg in legs], 'numeric[]')}, "
            f"{p([leg.status.value for leg in legs], 'text[]')}, "
            f"{p([leg.pending_quantity for leg in legs], 'numeric[]')}) AS u(l, f, s, h) "
            "WHERE legs.leg_id = u.l"
        )
    if fills:
        parts.append(_fills_part(p, fills))
    if held:
        parts.append(_held_part(p, held))
    if closings:
        parts.append(_closings_part(p, closings))
        parts.append(_reject_pending_part(p, closings))
    if events:
        parts.append(outbox_part(p, events))
    if answer is not None:
        parts.append(idempotency.answer_part(p, *answer))
    await execute_all(conn, p, parts)


def _fills_part(p: Params, booked: Sequence[BookedFill]) -> str:
    fills = [b.fill for b in booked]
    return (
        "INSERT INTO fills (fill_id, leg_id, order_id, trader_id, mineral, unit, quantity, "
        "unit_price, origin_country, warehouse_id, lot_reference, filled_at, event_id, "
        "reference_price, deviation, approved_by, approved_at, approval_reason) "
        "SELECT * FROM unnest("
        f"{p([b.fill_id for b in booked], 'text[]')}, {p([f.leg_id for f in fills], 'text[]')}, "
        f"{p([f.order_id for f in fills], 'text[]')}, "
        f"{p([f.trader_id for f in fills], 'text[]')}, "
        f"{p([f.mineral for f in fills], 'text[]')}, "
        f"{p([f.unit.value for f in fills], 'text[]')}, "
        f"{p([f.quantity for f in fills], 'numeric[]')}, "
        f"{p([f.unit_price for f in fills], 'numeric[]')}, "
        f"{p([f.origin_country for f in fills], 'text[]')}, "
        f"{p([f.warehouse_id for f in fills], 'text[]')}, "
        f"{p([f.lot_reference for f in fills], 'text[]')}, "
        f"{p([f.filled_at for f in fills], 'timestamptz[]')}, "
        f"{p([b.event_id for b in booked], 'uuid[]')}, "
        f"{p([f.reference_price for f in fills], 'numeric[]')}, "
        f"{p([f.deviation for f in fills], 'numeric[]')}, "
        f"{p([b.approval.by if b.approval else None for b in booked], 'text[]')}, "
        f"{p([b.approval.at if b.approval else None for b in booked], 'timestamptz[]')}, "
        f"{p([b.approval.reason if b.approval else None for b in booked], 'text[]')})"
    )


def _held_part(p: Params, held: Sequence[HeldFill]) -> str:
    fills = [h.fill for h in held]
    return (
        "INSERT INTO pending_fills (fill_id, leg_id, order_id, trader_id, mineral, unit, "
        "quantity, unit_price, origin_country, warehouse_id, lot_reference, filled_at, "
        "reference_price, deviation, tolerance) SELECT * FROM unnest("
        f"{p([h.fill_id for h in held], 'text[]')}, {p([f.leg_id for f in fills], 'text[]')}, "
        f"{p([f.order_id for f in fills], 'text[]')}, "
        f"{p([f.trader_id for f in fills], 'text[]')}, "
        f"{p([f.mineral for f in fills], 'text[]')}, "
        f"{p([f.unit.value for f in fills], 'text[]')}, "
        f"{p([f.quantity for f in fills], 'numeric[]')}, "
        f"{p([f.unit_price for f in fills], 'numeric[]')}, "
        f"{p([f.origin_country for f in fills], 'text[]')}, "
        f"{p([f.warehouse_id for f in fills], 'text[]')}, "
        f"{p([f.lot_reference for f in fills], 'text[]')}, "
        f"{p([f.filled_at for f in fills], 'timestamptz[]')}, "
        f"{p([f.reference_price for f in fills], 'numeric[]')}, "
        f"{p([f.deviation for f in fills], 'numeric[]')}, "
        f"{p([h.tolerance for h in held], 'numeric[]')})"
    )


def _closings_part(p: Params, booked: Sequence[BookedClosing]) -> str:
    closings = [b.closing for b in booked]
    return (
        "INSERT INTO closings (leg_id, order_id, trader_id, reason, unit, quantity, filled, "
        "undone, detail, closed_at, event_id) SELECT * FROM unnest("
        f"{p([c.leg_id for c in closings], 'text[]')}, "
        f"{p([c.order_id for c in closings], 'text[]')}, "
        f"{p([c.trader_id for c in closings], 'text[]')}, "
        f"{p([c.reason.value for c in closings], 'text[]')}, "
        f"{p([c.unit.value for c in closings], 'text[]')}, "
        f"{p([c.quantity for c in closings], 'numeric[]')}, "
        f"{p([c.filled for c in closings], 'numeric[]')}, "
        f"{p([c.undone for c in closings], 'numeric[]')}, "
        f"{p([c.detail for c in closings], 'text[]')}, "
        f"{p([c.closed_at for c in closings], 'timestamptz[]')}, "
        f"{p([b.event_id for b in booked], 'uuid[]')})"
    )


def _reject_pending_part(p: Params, booked: Sequence[BookedClosing]) -> str:
    """Fills still pending approval on a closing leg are rejected with it, and why."""
    closings = [b.closing for b in booked]
    reasons = [LEG_CLOSED_BEFORE_APPROVAL.format(reason=c.reason.value) for c in closings]
    return (
        "UPDATE pending_fills p SET status = 'rejected', decided_by = 'trader_gateway', "
        "decided_at = u.at, reason = u.why FROM unnest("
        f"{p([c.leg_id for c in closings], 'text[]')}, "
        f"{p([c.closed_at for c in closings], 'timestamptz[]')}, "
        f"{p(reasons, 'text[]')}) AS u(leg_id, at, why) "
        "WHERE p.leg_id = u.leg_id AND p.status = 'pending_approval'"
    )


def _text_array(values: Iterable[str]) -> str:
    return "{" + ",".join(values) + "}"
