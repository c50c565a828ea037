"""Read-side SQL: principals and their keys, as admins list them (never a hash)."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from shared.db import Connection


async def principals(
    conn: Connection | asyncpg.Pool, principal: str | None = None
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT p.principal, p.kind, p.id, p.role, p.subject, p.created_at, p.removed_at,"
        " coalesce(json_agg(json_build_object('key_id', k.key_id, 'issued_at', k.issued_at,"
        " 'expires_at', k.expires_at, 'revoked_at', k.revoked_at) ORDER BY k.issued_at)"
        " FILTER (WHERE k.key_id IS NOT NULL), '[]')::text AS keys"
        " FROM principals p LEFT JOIN api_keys k ON k.principal = p.principal"
        " WHERE $1::text IS NULL OR p.principal = $1"
        " GROUP BY p.principal ORDER BY p.principal",
        principal,
    )
    return [{**dict(r), "keys": json.loads(r["keys"])} for r in rows]
