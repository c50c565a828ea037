"""Legs in SQL: a batch's new legs in one insert, its changed legs in one update."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import asyncpg

from services.sourcing.domain import LegState
from shared.contracts import Phase, Tier
from shared.db import Connection, columns, text_array

_SELECT = """
    SELECT l.leg_id, l.order_id, l.sequence, l.kind, l.trader_id, l.mineral, l.market, l.quantity,
           l.unit_price, l.filled, l.status, l.phase, l.policy_version, l.deadline, o.deliver_by,
           l.offer_id, l.tier, l.origin_country, l.warehouse_id, l.available_on,
           l.tier_preference, l.excluded_origins, l.cascaded_from, l.closed_reason, l.closed_at,
           l.cancel_requested_at
    FROM legs l JOIN orders o USING (order_id)
"""


def leg_of(row: asyncpg.Record) -> LegState:
    return LegState(
        leg_id=row["leg_id"],
        order_id=row["order_id"],
        sequence=row["sequence"],
        kind=row["kind"],
        trader_id=row["trader_id"],
        mineral=row["mineral"],
        market=row["market"],
        quantity=row["quantity"],
        unit_price=row["unit_price"],
        filled=row["filled"],
        status=row["status"],
        phase=Phase(row["phase"]),
        policy_version=row["policy_version"],
        deadline=row["deadline"],
        deliver_by=row["deliver_by"],
        offer_id=row["offer_id"],
        tier=None if row["tier"] is None else Tier(row["tier"]),
        origin_country=row["origin_country"],
        warehouse_id=row["warehouse_id"],
        available_on=row["available_on"],
        tier_preference=tuple(Tier(t) for t in row["tier_preference"]),
        excluded_origins=frozenset(row["excluded_origins"]),
        cascaded_from=row["cascaded_from"],
        closed_reason=row["closed_reason"],
        closed_at=row["closed_at"],
        cancel_requested_at=row["cancel_requested_at"],
    )


async def of_orders(
    conn: Connection, order_ids: Sequence[str], leg_ids: Sequence[str] = ()
) -> list[LegState]:
    """The open legs of these orders, and the legs named (closed or not) among theirs.

    Read under the orders' locks: legs change only under their order's lock.
    """
    rows = await conn.fetch(
        _SELECT + " WHERE l.order_id = ANY($1::text[]) "
        "AND (l.status = 'open' OR l.leg_id = ANY($2::text[])) ORDER BY l.order_id, l.sequence",
        list(order_ids),
        list(leg_ids),
    )
    return [leg_of(row) for row in rows]


async def held(conn: Connection, order_ids: Sequence[str]) -> dict[str, Decimal]:
    """What traders hold of each order: the unfilled part of its open legs."""
    rows = await conn.fetch(
        "SELECT order_id, sum(quantity - filled) AS held FROM legs "
        "WHERE order_id = ANY($1::text[]) AND status = 'open' GROUP BY order_id",
        list(order_ids),
    )
    return {row["order_id"]: Decimal(row["held"]) for row in rows}


async def to_ask_back(
    conn: Connection | asyncpg.Pool, today: date, limit: int
) -> list[tuple[str, str, str]]:
    """(leg id, order id, mineral) of open legs of orders whose delivery day is over
    (before ``today``, UTC), not yet asked back from the gateway."""
    rows = await conn.fetch(
        "SELECT l.leg_id, l.order_id, l.mineral FROM legs l JOIN orders o USING (order_id) "
        "WHERE l.status = 'open' AND l.cancel_requested_at IS NULL AND o.deliver_by < $1 "
        "ORDER BY o.deliver_by, l.leg_id LIMIT $2",
        today,
        limit,
    )
    return [(r["leg_id"], r["order_id"], r["mineral"]) for r in rows]


async def insert(conn: Connection, legs: Sequence[LegState]) -> None:
    """New legs, as the batch leaves them (usually open, nothing filled)."""
    if not legs:
        return
    await conn.execute(
        f"""
        INSERT INTO legs (leg_id, order_id, sequence, kind, trader_id, mineral, market, quantity,
                          unit_price, status, offer_id, tier, origin_country, warehouse_id,
                          available_on, tier_preference, excluded_origins, phase, policy_version,
                          deadline, cascaded_from, filled, closed_reason, closed_at)
        SELECT leg_id, order_id, sequence, kind, trader_id, mineral, market, quantity, unit_price,
               status, offer_id, tier, origin_country, warehouse_id, available_on,
               {text_array("tier_preference")}, {text_array("excluded_origins")},
               phase, policy_version, deadline, cascaded_from, filled, closed_reason, closed_at
        FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[],
                    $7::text[], $8::numeric[], $9::numeric[], $10::text[], $11::text[],
                    $12::text[], $13::text[], $14::text[], $15::date[], $16::text[], $17::text[],
                    $18::text[], $19::text[], $20::timestamptz[], $21::text[], $22::numeric[],
                    $23::text[], $24::timestamptz[])
            AS u(leg_id, order_id, sequence, kind, trader_id, mineral, market, quantity,
                 unit_price, status, offer_id, tier, origin_country, warehouse_id, available_on,
                 tier_preference, excluded_origins, phase, policy_version, deadline,
                 cascaded_from, filled, closed_reason, closed_at)
        """,
        *columns(
            legs,
            lambda leg: (
                leg.leg_id,
                leg.order_id,
                leg.sequence,
                leg.kind,
                leg.trader_id,
                leg.mineral,
                leg.market,
                leg.quantity,
                leg.unit_price,
                leg.status,
                leg.offer_id,
                leg.tier,
                leg.origin_country,
                leg.warehouse_id,
                leg.available_on,
                json.dumps(list(leg.tier_preference)),
                json.dumps(sorted(leg.excluded_origins)),
                leg.phase,
                leg.policy_version,
                leg.deadline,
                leg.cascaded_from,
                leg.filled,
                leg.closed_reason,
                leg.closed_at,
            ),
        ),
    )


async def save(conn: Connection, legs: Sequence[LegState]) -> None:
    """Write what a batch changed of known legs: fills counted, legs closed, asked back."""
    if not legs:
        return
    await conn.execute(
        """
        UPDATE legs l SET filled = u.filled, status = u.status, closed_reason = u.closed_reason,
                          closed_at = u.closed_at, cancel_requested_at = u.cancel_requested_at
        FROM unnest($1::text[], $2::numeric[], $3::text[], $4::text[], $5::timestamptz[],
                    $6::timestamptz[])
            AS u(leg_id, filled, status, closed_reason, closed_at, cancel_requested_at)
        WHERE l.leg_id = u.leg_id
        """,
        *columns(
            legs,
            lambda leg: (
                leg.leg_id,
                leg.filled,
                leg.status,
                leg.closed_reason,
                leg.closed_at,
                leg.cancel_requested_at,
            ),
        ),
    )
