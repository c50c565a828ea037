"""The credentials a service accepts: a table kept from ``credential.*`` events, and a cache.

Every service with an HTTP API verifies keys itself, from its own copy (no call to
another service per request). A key revoked is refused once its event is applied
here: milliseconds after the revocation commits in access. The cache holds what was
read recently and forgets a key whenever an event about it is applied in this process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import asyncpg

from shared import topics
from shared.access.guard import FailureLimiter
from shared.access.keys import Credential
from shared.consumer import Subscription, on_batch
from shared.contracts import CredentialIssued, CredentialRevoked
from shared.db import Connection, columns
from shared.envelope import Envelope

_COLUMNS = "key_id, principal, role, subject, secret_hash, issued_at, expires_at, revoked_at"
# Another replica applying an event does not clear this process's cache: entries age out.
CACHE_SECONDS = 5.0
MAX_CACHED = 10_000


@dataclass
class _Cached:
    credential: Credential | None
    at: float


class CredentialStore:
    def __init__(self, pool: Callable[[], asyncpg.Pool]) -> None:
        self._pool = pool
        self._cache: dict[str, _Cached] = {}
        # Failed authentications in this process (shared.http.auth answers 429 from it).
        self.failures = FailureLimiter()

    async def find(self, key_id: str) -> Credential | None:
        cached = self._cache.get(key_id)
        if cached is not None and time.monotonic() - cached.at < CACHE_SECONDS:
            return cached.credential
        row = await self._pool().fetchrow(
            f"SELECT {_COLUMNS} FROM credentials WHERE key_id = $1", key_id
        )
        found = None if row is None else _credential(row)
        if len(self._cache) >= MAX_CACHED:
            self._cache.clear()
        self._cache[key_id] = _Cached(found, time.monotonic())
        return found

    def forget(self, key_ids: Sequence[str]) -> None:
        for key_id in key_ids:
            self._cache.pop(key_id, None)

    async def save(self, conn: Connection, credentials: Sequence[Credential]) -> None:
        """Store credentials as issued (a re-sent issue changes nothing once revoked)."""
        if not credentials:
            return
        await conn.execute(
            f"INSERT INTO credentials ({_COLUMNS}) SELECT * FROM unnest($1::text[], $2::text[],"
            " $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[],"
            " $8::timestamptz[]) ON CONFLICT (key_id) DO NOTHING",
            *columns(
                credentials,
                lambda c: (
                    c.key_id,
                    c.principal,
                    c.role,
                    c.subject,
                    c.secret_hash,
                    c.issued_at,
                    c.expires_at,
                    c.revoked_at,
                ),
            ),
        )
        self.forget([c.key_id for c in credentials])

    async def revoke(self, conn: Connection, revoked: Sequence[tuple[str, object]]) -> None:
        """Revoke keys at the times given; an earlier revocation stands."""
        if not revoked:
            return
        await conn.execute(
            "UPDATE credentials c SET revoked_at = least(coalesce(c.revoked_at, u.at), u.at)"
            " FROM unnest($1::text[], $2::timestamptz[]) AS u(key_id, at)"
            " WHERE c.key_id = u.key_id",
            [k for k, _ in revoked],
            [at for _, at in revoked],
        )
        self.forget([k for k, _ in revoked])


def subscription(store: CredentialStore) -> Subscription:
    """What a service with an HTTP API reads to know the keys it accepts."""

    async def issued(conn: Connection, events: Sequence[Envelope[CredentialIssued]]) -> None:
        await store.save(conn, [credential_of(e.payload) for e in events])

    async def revoked(conn: Connection, events: Sequence[Envelope[CredentialRevoked]]) -> None:
        await store.revoke(conn, [(e.payload.key_id, e.payload.revoked_at) for e in events])

    return Subscription(
        topics.PROGRAM_CREDENTIALS,
        [on_batch(CredentialIssued, issued), on_batch(CredentialRevoked, revoked)],
        description="credential.issued and credential.revoked: the API keys this service accepts",
    )


def credential_of(issued: CredentialIssued) -> Credential:
    return Credential(
        key_id=issued.key_id,
        principal=issued.principal,
        role=issued.role,
        subject=issued.subject,
        secret_hash=issued.secret_hash,
        issued_at=issued.issued_at,
        expires_at=issued.expires_at,
    )


def _credential(row: asyncpg.Record) -> Credential:
    return Credential(
        key_id=row["key_id"],
        principal=row["principal"],
        role=row["role"],
        subject=row["subject"],
        secret_hash=row["secret_hash"],
        issued_at=row["issued_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
    )
