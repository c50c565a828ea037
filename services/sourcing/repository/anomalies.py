"""What sourcing learnt from the gateway and could not apply as it stood: kept for ops.

Each is a bug somewhere (the gateway owns a leg's fills and closing and judged them);
rows are written in the transaction that learnt the rest, counted by the gauge
``vault_sourcing_anomalies`` and listed beside the reconciliation.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from services.sourcing.domain import Anomaly
from shared.db import Connection, columns


async def add(conn: Connection, anomalies: Sequence[Anomaly]) -> None:
    if not anomalies:
        return
    await conn.execute(
        "INSERT INTO anomalies (kind, order_id, leg_id, fill_id, detail) "
        "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])",
        *columns(anomalies, lambda a: (a.kind, a.order_id, a.leg_id, a.fill_id, a.detail)),
    )


async def counts(conn: Connection | asyncpg.Pool) -> dict[str, int]:
    rows = await conn.fetch("SELECT kind, count(*) AS n FROM anomalies GROUP BY kind")
    return {row["kind"]: row["n"] for row in rows}
