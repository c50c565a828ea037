"""Every decision an order went through, with the full record of why: appended per batch."""

from __future__ import annotations

import json
from collections.abc import Sequence

from services.sourcing.domain import DecisionEntry
from shared.db import Connection, columns


async def add(conn: Connection, entries: Sequence[DecisionEntry]) -> None:
    """Append the decisions, numbered after each order's last one, in the order given."""
    if not entries:
        return
    await conn.execute(
        """
        INSERT INTO decisions (order_id, number, trigger, phase, policy_version, record, decided_at)
        SELECT u.order_id,
               coalesce((SELECT max(d.number) FROM decisions d WHERE d.order_id = u.order_id), 0)
                   + row_number() OVER (PARTITION BY u.order_id ORDER BY u.position),
               u.trigger, u.phase, u.policy_version, u.record::jsonb, u.decided_at
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                    $6::timestamptz[]) WITH ORDINALITY
            AS u(order_id, trigger, phase, policy_version, record, decided_at, position)
        """,
        *columns(
            entries,
            lambda entry: (
                entry.order_id,
                entry.trigger,
                entry.phase,
                entry.policy_version,
                json.dumps(entry.record),
                entry.decided_at,
            ),
        ),
    )
