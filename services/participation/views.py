"""Participation's read side: agreements, commitments, coverage, disruptions, obligations."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from services.participation.domain import coverage as cov
from services.participation.repository import agreements, commitments, disruptions
from services.participation.repository.obligations import COLUMNS as OBLIGATION_COLUMNS
from services.participation.repository.obligations import ORDERS_OF
from shared.participation_rules import DrawRights, allowance


async def agreement(pool: asyncpg.Pool, manufacturer_id: str) -> dict[str, Any] | None:
    """Every version of a manufacturer's agreement, newest first, with their terms."""
    heads = await pool.fetch(
        "SELECT version, effective_from, set_by, set_at FROM agreements"
        " WHERE manufacturer_id = $1 ORDER BY version DESC",
        manufacturer_id,
    )
    if not heads:
        return None
    terms = await pool.fetch(
        f"SELECT version, {agreements.TERM_COLUMNS} FROM agreement_terms"
        " WHERE manufacturer_id = $1 ORDER BY version DESC, mineral",
        manufacturer_id,
    )
    by_version: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in terms:
        term = dict(row)
        by_version[term.pop("version")].append(term)
    return {
        "manufacturer_id": manufacturer_id,
        "versions": [{**dict(h), "terms": by_version[h["version"]]} for h in heads],
    }


def _commitment(row: asyncpg.Record) -> dict[str, Any]:
    c = commitments.commitment_of(row)
    return {
        "manufacturer_id": c.manufacturer_id,
        "mineral": c.mineral,
        "unit": c.unit,
        "agreement_version": c.agreement_version,
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "committed": c.committed,
        "set_price": c.set_price,
        "held": c.held,
        "on_order": c.on_order,
        "requested": c.requested,
        "owed": c.owed,
        "covered": c.covered,
        "uncovered": c.uncovered,
    }


async def commitments_in_force(
    pool: asyncpg.Pool, day: date, manufacturer_id: str | None, mineral: str | None
) -> list[dict[str, Any]]:
    rows = await commitments.rows_in_force(pool, day, mineral)
    return [
        _commitment(r)
        for r in rows
        if manufacturer_id is None or r["manufacturer_id"] == manufacturer_id
    ]


def _coverage(c: cov.Coverage) -> dict[str, Any]:
    return {
        "held": c.held,
        "consumption_per_day": c.consumption_per_day,
        "days": c.days,
        "target_days": c.target_days,
        "target_quantity": c.target_quantity,
        "shortfall": c.shortfall,
        "meets_target": c.meets_target,
    }


async def coverage(
    pool: asyncpg.Pool, day: date, manufacturer_id: str | None, mineral: str | None
) -> dict[str, Any]:
    """Days of supply per manufacturer and mineral, and for the program per mineral."""
    rows = await commitments.rows_in_force(pool, day, mineral)
    positions = [
        cov.Position(
            manufacturer_id=r["manufacturer_id"],
            mineral=r["mineral"],
            held=r["held"],
            consumption_per_day=r["consumption_per_day"],
            target_days=r["coverage_target_days"],
        )
        for r in rows
    ]
    pool_held = await _pool_held(pool)
    by_mineral: dict[str, list[cov.Position]] = defaultdict(list)
    for p in positions:
        by_mineral[p.mineral].append(p)
    units = {r["mineral"]: r["unit"] for r in rows}
    return {
        "as_of": day,
        "manufacturers": [
            {
                "manufacturer_id": p.manufacturer_id,
                "mineral": p.mineral,
                "unit": units[p.mineral],
                **_coverage(cov.of_position(p)),
            }
            for p in positions
            if manufacturer_id is None or p.manufacturer_id == manufacturer_id
        ],
        "program": [
            {
                "mineral": m,
                "unit": units[m],
                "participants": len(ps),
                **_coverage(cov.of_program(ps, pool_held.get(m, Decimal(0)))),
            }
            for m, ps in sorted(by_mineral.items())
        ]
        if manufacturer_id is None
        else [],
    }


async def _pool_held(pool: asyncpg.Pool) -> dict[str, Decimal]:
    rows = await pool.fetch(
        "SELECT mineral, sum(balance) AS held FROM lot_balances GROUP BY mineral"
    )
    return {r["mineral"]: r["held"] for r in rows}


async def disruption_list(pool: asyncpg.Pool, in_force_only: bool) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        f"SELECT {disruptions.COLUMNS} FROM disruptions"
        " WHERE NOT $1 OR ended_at IS NULL ORDER BY declared_at DESC",
        in_force_only,
    )
    return [dict(r) for r in rows]


async def obligation_list(
    pool: asyncpg.Pool, day: date, manufacturer_id: str | None, status: str
) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        f"SELECT {', '.join('o.' + c.strip() for c in OBLIGATION_COLUMNS.split(','))},"
        " coalesce((SELECT sum(r.quantity) FROM orders ord JOIN receipts r"
        f" ON r.order_id = ord.order_id WHERE {ORDERS_OF}), 0) AS received,"
        f" (SELECT array_agg(ord.order_id ORDER BY ord.order_id) FROM orders ord WHERE {ORDERS_OF})"
        " AS order_ids"
        " FROM obligations o WHERE ($1::text IS NULL OR o.manufacturer_id = $1)"
        " ORDER BY o.due_by, o.obligation_id",
        manufacturer_id,
    )
    found = []
    for row in rows:
        item = dict(row)
        item["order_ids"] = item["order_ids"] or []
        closed = item["closed_at"] is not None
        overdue = (not closed and item["due_by"] < day) or (
            closed and item["closed_at"].date() > item["due_by"]
        )
        item["status"] = "closed" if closed else ("overdue" if overdue else "open")
        item["overdue"] = overdue
        if status == "all" or item["status"] == status or (status == "open" and not closed):
            found.append(item)
    return found


async def rights(
    pool: asyncpg.Pool, day: date, manufacturer_id: str, mineral: str
) -> dict[str, Any] | None:
    """What the manufacturer may draw of the mineral now, by the shared rule."""
    term = None
    for row in await agreements.terms_in_force(pool, day, mineral):
        if row["manufacturer_id"] == manufacturer_id:
            term = row
    disrupted = await disruptions.in_force(pool, mineral) is not None
    share = Decimal(0) if term is None else term["disruption_pool_share"]
    held = await pool.fetch(
        "SELECT owner = $1 AS own, sum(balance) AS held FROM lot_balances"
        " WHERE mineral = $2 GROUP BY owner = $1",
        manufacturer_id,
        mineral,
    )
    own = sum((r["held"] for r in held if r["own"]), Decimal(0))
    others = sum((r["held"] for r in held if not r["own"]), Decimal(0))
    allowed = allowance(DrawRights(pool_share=share, disrupted=disrupted), own, others)
    return {
        "manufacturer_id": manufacturer_id,
        "mineral": mineral,
        "agreement_version": None if term is None else term["version"],
        "disrupted": disrupted,
        "pool_share": share,
        "own_held": own,
        "others_held": others,
        "may_draw_own": allowed.own,
        "may_draw_from_pool": allowed.pool,
        "may_draw": allowed.total,
    }


async def overdue_count(pool: asyncpg.Pool, day: date) -> int:
    found = await pool.fetchval(
        "SELECT count(*) FROM obligations WHERE closed_at IS NULL AND due_by < $1", day
    )
    return int(found)
