"""The read model: orders as requesters and ops read them back, straight from SQL."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from shared.db import Connection

_SUMMARY = """
    SELECT o.order_id, o.manufacturer_id, o.request_id, o.kind, o.mineral, o.market, o.unit,
           o.quantity, o.filled, o.open_quantity, o.open_reason, o.status, o.deliver_by,
           o.limit_price, o.created_at, o.updated_at, o.explanation,
           (SELECT coalesce(sum(l.quantity - l.filled), 0) FROM legs l
            WHERE l.order_id = o.order_id AND l.status = 'open') AS on_legs
    FROM orders o
"""


class BadCursor(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[dict[str, Any]]
    next_cursor: str | None


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
    limit: int,
    cursor: str | None,
) -> Page:
    """Orders newest first, filtered; `cursor` continues where the previous page stopped."""
    where: list[str] = ["TRUE"]
    args: list[object] = []
    if manufacturer_id is not None:
        args.append(manufacturer_id)
        where.append(f"o.manufacturer_id = ${len(args)}")
    if status is not None:
        args.append(status)
        where.append(f"o.status = ${len(args)}")
    if cursor is not None:
        created_at, order_id = _decode(cursor)
        args += [created_at, order_id]
        where.append(f"(o.created_at, o.order_id) < (${len(args) - 1}, ${len(args)})")
    args.append(limit + 1)
    rows = await conn.fetch(
        f"{_SUMMARY} WHERE {' AND '.join(where)} "
        f"ORDER BY o.created_at DESC, o.order_id DESC LIMIT ${len(args)}",
        *args,
    )
    page = [_summary(r) for r in rows[:limit]]
    more = len(rows) > limit
    last = page[-1] if page else None
    return Page(
        rows=page,
        next_cursor=_encode(last["created_at"], last["order_id"]) if more and last else None,
    )


def _summary(row: asyncpg.Record) -> dict[str, Any]:
    summary = dict(row)
    summary["open"] = summary.pop("open_quantity")
    summary["reason"] = summary.pop("open_reason")
    summary["explanation"] = json.loads(summary["explanation"])
    return summary


def _encode(created_at: datetime, order_id: str) -> str:
    raw = json.dumps([created_at.isoformat(), order_id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode(cursor: str) -> tuple[datetime, str]:
    try:
        created_at, order_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(created_at), str(order_id)
    except (ValueError, TypeError) as exc:
        raise BadCursor("cursor is not one this API returned") from exc
