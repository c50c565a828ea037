"""The read side: orders as requesters and ops read them back, and the counts ops watch."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from shared.db import Connection
from shared.reconciliation import SourcingLeg, SourcingOrder, reads

_SUMMARY = """
    SELECT o.order_id, o.manufacturer_id, o.request_id, o.kind, o.mineral, o.market, o.unit,
           o.quantity, o.filled, o.open_quantity, o.open_reason, o.status, o.deliver_by,
           o.limit_price, o.created_at, o.updated_at, o.explanation,
           (SELECT coalesce(sum(l.quantity - l.filled), 0) FROM legs l
            WHERE l.order_id = o.order_id AND l.status = 'open') AS on_legs
    FROM orders o
"""


async def order(conn: Connection | asyncpg.Pool, order_id: str) -> dict[str, Any] | None:
    """One order with its legs, fills and every decision taken for it."""
    row = await conn.fetchrow(_SUMMARY + " WHERE o.order_id = $1", order_id)
    if row is None:
        return None
    legs = await conn.fetch(
        "SELECT leg_id, sequence, kind, trader_id, quantity, filled, status, unit_price, "
        "offer_id, tier, origin_country, warehouse_id, deadline, phase, policy_version, "
        "cascaded_from, closed_reason FROM legs WHERE order_id = $1 ORDER BY sequence",
        order_id,
    )
    fills = await conn.fetch(
        "SELECT fill_id, leg_id, trader_id, quantity, unit_price, origin_country, tier, "
        "warehouse_id, lot_reference, filled_at, phase, policy_version "
        "FROM fills WHERE order_id = $1 ORDER BY filled_at, fill_id",
        order_id,
    )
    decisions = await conn.fetch(
        "SELECT number, trigger, decided_at, phase, policy_version, record "
        "FROM decisions WHERE order_id = $1 ORDER BY number",
        order_id,
    )
    detail = _summary(row)
    detail["legs"] = [dict(r) for r in legs]
    detail["fills"] = [dict(r) for r in fills]
    detail["decisions"] = [{**dict(r), "record": json.loads(r["record"])} for r in decisions]
    detail["explanation"] = detail["decisions"][-1]["record"] if decisions else {}
    return detail


async def orders(
    conn: Connection | asyncpg.Pool,
    *,
    manufacturer_id: str | None,
    status: str | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Orders newest first, filtered, from after (created_at, order_id) `after`."""
    where: list[str] = ["TRUE"]
    args: list[object] = []
    if manufacturer_id is not None:
        args.append(manufacturer_id)
        where.append(f"o.manufacturer_id = ${len(args)}")
    if status is not None:
        args.append(status)
        where.append(f"o.status = ${len(args)}")
    if after is not None:
        args += list(after)
        where.append(f"(o.created_at, o.order_id) < (${len(args) - 1}, ${len(args)})")
    args.append(limit)
    rows = await conn.fetch(
        f"{_SUMMARY} WHERE {' AND '.join(where)} "
        f"ORDER BY o.created_at DESC, o.order_id DESC LIMIT ${len(args)}",
        *args,
    )
    return [_summary(r) for r in rows]


def _summary(row: asyncpg.Record) -> dict[str, Any]:
    summary = dict(row)
    summary["open"] = summary.pop("open_quantity")
    summary["reason"] = summary.pop("open_reason")
    summary["explanation"] = json.loads(summary["explanation"])
    return summary


@dataclass(frozen=True, slots=True)
class Counts:
    orders_by_status: Mapping[str, int]
    waiting_by_mineral: Mapping[str, int]
    """Orders not expired with quantity no leg covers yet."""
    open_legs_by_kind: Mapping[str, int]


async def counts(conn: Connection | asyncpg.Pool) -> Counts:
    """What ops watch, in one round trip."""
    rows = await conn.fetch(
        """
        SELECT 'status' AS what, status AS label, count(*) AS n FROM orders GROUP BY status
        UNION ALL
        SELECT 'waiting', mineral, count(*) FROM orders
        WHERE status <> 'expired' AND open_quantity > 0 GROUP BY mineral
        UNION ALL
        SELECT 'legs', kind, count(*) FROM legs WHERE status = 'open' GROUP BY kind
        """
    )
    found: dict[str, dict[str, int]] = {"status": {}, "waiting": {}, "legs": {}}
    for row in rows:
        found[row["what"]][row["label"]] = row["n"]
    return Counts(
        orders_by_status=found["status"],
        waiting_by_mineral=found["waiting"],
        open_legs_by_kind=found["legs"],
    )


async def legs_for_reconciliation(
    db: Connection | asyncpg.Pool, *, after: str | None, limit: int
) -> list[SourcingLeg]:
    """Every leg as sourcing learnt it, with its fills, by leg id, after ``after``."""
    rows = await reads.legs_with_fills(db, filled_column="filled", after=after, limit=limit)
    return [SourcingLeg(**row) for row in rows]


async def orders_for_reconciliation(
    db: Connection | asyncpg.Pool, *, after: str | None, limit: int
) -> list[SourcingOrder]:
    """Every order: what was ordered, placed (open legs whole, closed legs' fills), filled."""
    rows = await db.fetch(
        "SELECT o.order_id, o.quantity, o.filled, o.status, "
        "coalesce(sum(CASE WHEN l.status = 'open' THEN l.quantity ELSE l.filled END), 0) "
        "AS placed FROM orders o LEFT JOIN legs l ON l.order_id = o.order_id "
        "WHERE ($1::text IS NULL OR o.order_id > $1) "
        "GROUP BY o.order_id ORDER BY o.order_id LIMIT $2",
        after,
        limit,
    )
    return [
        SourcingOrder(
            order_id=row["order_id"],
            ordered=row["quantity"],
            placed=row["placed"],
            filled=row["filled"],
            status=row["status"],
        )
        for row in rows
    ]


async def anomalies(db: Connection | asyncpg.Pool, *, limit: int) -> list[dict[str, Any]]:
    """What sourcing could not apply as the gateway said it, newest first."""
    rows = await db.fetch(
        "SELECT id, kind, order_id, leg_id, fill_id, detail, recorded_at FROM anomalies "
        "ORDER BY id DESC LIMIT $1",
        limit,
    )
    return [dict(row) for row in rows]


async def approvals(conn: Connection | asyncpg.Pool, order_id: str) -> list[dict[str, Any]]:
    """Every policy exception approved for the order, standing or withdrawn, oldest first."""
    rows = await conn.fetch(
        """
        SELECT kind, subject, reason, approved_by, approved_at,
               withdrawn_by, withdrawn_at, withdrawn_reason
        FROM policy_exceptions WHERE order_id = $1 ORDER BY approved_at, kind, subject
        """,
        order_id,
    )
    return [dict(row) for row in rows]
