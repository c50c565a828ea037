"""Idempotency records: the first answer under (trader, Idempotency-Key)."""

from __future__ import annotations

import json

from services.trader_gateway.domain import StoredResponse
from shared.db import Connection


async def reserve(
    conn: Connection, trader_id: str, key: str, fingerprint: str, method: str, path: str
) -> StoredResponse | None:
    """Claim the key in the caller's transaction; or return the answer already stored.

    A concurrent request with the same key blocks on the primary key until the first
    one's transaction ends, then finds its committed answer (or the key free again if
    it rolled back), so the two can never both act.
    """
    claimed = await conn.fetchval(
        "INSERT INTO idempotency_records (trader_id, idempotency_key, fingerprint, method, path) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING true",
        trader_id,
        key,
        fingerprint,
        method,
        path,
    )
    if claimed:
        return None
    row = await conn.fetchrow(
        "SELECT fingerprint, status_code, headers, body FROM idempotency_records "
        "WHERE trader_id = $1 AND idempotency_key = $2",
        trader_id,
        key,
    )
    # Claimed and answered in one transaction: a row we can see always has its answer.
    assert row is not None
    assert row["status_code"] is not None
    headers = json.loads(row["headers"])
    return StoredResponse(
        fingerprint=row["fingerprint"],
        status_code=row["status_code"],
        body=bytes(row["body"]),
        headers=tuple((str(k), str(v)) for k, v in headers.items()),
    )


async def complete(conn: Connection, trader_id: str, key: str, response: StoredResponse) -> None:
    await conn.execute(
        "UPDATE idempotency_records SET status_code = $3, headers = $4::jsonb, body = $5 "
        "WHERE trader_id = $1 AND idempotency_key = $2",
        trader_id,
        key,
        response.status_code,
        json.dumps(dict(response.headers)),
        response.body,
    )
