"""Write-side SQL: principals and their keys (hashes only)."""

from __future__ import annotations

from datetime import datetime

from services.access.domain import NewPrincipal
from shared.access.keys import Credential
from shared.db import Connection


async def create(conn: Connection, new: NewPrincipal, now: datetime) -> bool:
    """Create the principal; False if it exists already (removed or not)."""
    created = await conn.fetchval(
        "INSERT INTO principals (principal, kind, id, role, subject, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (principal) DO NOTHING RETURNING true",
        new.principal,
        new.kind.value,
        new.id,
        new.role.value,
        new.subject,
        now,
    )
    return bool(created)


async def lock(conn: Connection, principal: str) -> dict[str, object] | None:
    """The principal's row, locked for a change of its keys (None if unknown or removed)."""
    row = await conn.fetchrow(
        "SELECT principal, kind, id, role, subject FROM principals"
        " WHERE principal = $1 AND removed_at IS NULL FOR UPDATE",
        principal,
    )
    return None if row is None else dict(row)


async def remove(conn: Connection, principal: str, now: datetime) -> None:
    await conn.execute("UPDATE principals SET removed_at = $2 WHERE principal = $1", principal, now)


async def add_key(conn: Connection, credential: Credential) -> bool:
    added = await conn.fetchval(
        "INSERT INTO api_keys (key_id, principal, secret_hash, issued_at, expires_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key_id) DO NOTHING RETURNING true",
        credential.key_id,
        credential.principal,
        credential.secret_hash,
        credential.issued_at,
        credential.expires_at,
    )
    return bool(added)


async def revoke_keys(
    conn: Connection,
    principal: str,
    at: datetime,
    *,
    only: str | None = None,
    keep: str | None = None,
) -> list[tuple[str, datetime]]:
    """Revoke the principal's live keys at ``at`` (one, or all but ``keep``); an earlier
    revocation stands. Returns the keys whose revocation time changed, with it."""
    rows = await conn.fetch(
        "UPDATE api_keys SET revoked_at = $2 WHERE principal = $1"
        " AND (revoked_at IS NULL OR revoked_at > $2)"
        " AND ($3::text IS NULL OR key_id = $3) AND ($4::text IS NULL OR key_id <> $4)"
        " RETURNING key_id, revoked_at",
        principal,
        at,
        only,
        keep,
    )
    return [(r["key_id"], r["revoked_at"]) for r in rows]


async def ensure(conn: Connection, new: NewPrincipal, now: datetime) -> None:
    """The principal as bootstrapping names it (created if absent; left as it is otherwise)."""
    await create(conn, new, now)
