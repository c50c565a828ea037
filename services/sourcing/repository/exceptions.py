"""Policy exceptions approved per order, in SQL."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import asyncpg

from services.sourcing.domain.exceptions import Approval
from shared.db import Connection


async def save(conn: Connection, approval: Approval) -> None:
    await conn.execute(
        """
        INSERT INTO policy_exceptions (order_id, kind, reason, approved_by, approved_at, subject)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (order_id, kind, subject) DO UPDATE
            SET reason = excluded.reason, approved_by = excluded.approved_by,
                approved_at = excluded.approved_at,
                withdrawn_by = NULL, withdrawn_at = NULL, withdrawn_reason = NULL
        """,
        approval.order_id,
        approval.kind,
        approval.reason,
        approval.approved_by,
        approval.approved_at,
        approval.subject,
    )


async def of_orders(conn: Connection, order_ids: Iterable[str]) -> dict[str, tuple[Approval, ...]]:
    rows = await conn.fetch(
        "SELECT order_id, kind, subject, reason, approved_by, approved_at FROM policy_exceptions "
        "WHERE order_id = ANY($1::text[]) AND withdrawn_at IS NULL "
        "ORDER BY order_id, kind, subject",
        sorted(set(order_ids)),
    )
    found: dict[str, tuple[Approval, ...]] = {}
    for row in rows:
        approval = Approval(
            order_id=row["order_id"],
            kind=row["kind"],
            reason=row["reason"],
            approved_by=row["approved_by"],
            approved_at=row["approved_at"],
            subject=row["subject"],
        )
        found[approval.order_id] = (*found.get(approval.order_id, ()), approval)
    return found


async def mineral_of(conn: Connection | asyncpg.Pool, order_id: str) -> str | None:
    """The order's mineral, or None for an order sourcing does not know."""
    mineral: str | None = await conn.fetchval(
        "SELECT mineral FROM orders WHERE order_id = $1", order_id
    )
    return mineral


async def trader_known(conn: Connection, trader_id: str) -> bool:
    known: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM traders WHERE trader_id = $1)", trader_id
    )
    return known


async def withdraw(
    conn: Connection,
    order_id: str,
    kind: str,
    subject: str,
    *,
    by: str,
    at: datetime,
    reason: str,
) -> bool:
    """Withdraw the order's standing approval of ``kind``/``subject``; False if none stands."""
    done: str | None = await conn.fetchval(
        """
        UPDATE policy_exceptions
        SET withdrawn_by = $4, withdrawn_at = $5, withdrawn_reason = $6
        WHERE order_id = $1 AND kind = $2 AND subject = $3 AND withdrawn_at IS NULL
        RETURNING order_id
        """,
        order_id,
        kind,
        subject,
        by,
        at,
        reason,
    )
    return done is not None
