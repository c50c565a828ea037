"""Use cases of access: create a principal with its first key, rotate, revoke, remove, and
issue the deployment's bootstrap keys. Each writes access's tables, the service's own
``credentials`` copy (so access's API sees the change at once) and the outbox, in one
transaction; every other service learns the change from the events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from services.access import events
from services.access.domain import NewPrincipal, kind_of, new_principal
from services.access.repository import principals as repo
from shared import outbox
from shared.access import keys
from shared.access.bootstrap import BootstrapKey
from shared.access.store import CredentialStore
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Issued:
    principal: str
    role: str
    subject: str | None
    api_key: str  # the plaintext, shown once
    credential: keys.Credential


async def _issue(
    conn: Connection,
    store: CredentialStore,
    principal: dict[str, object],
    now: datetime,
    expires_at: datetime | None,
) -> Issued:
    name, role = str(principal["principal"]), str(principal["role"])
    subject = None if principal["subject"] is None else str(principal["subject"])
    plaintext, credential = keys.issue(name, role, now, subject=subject, expires_at=expires_at)
    await repo.add_key(conn, credential)
    await store.save(conn, [credential])
    await outbox.enqueue(conn, [events.issued(credential)])
    log.info("key_issued", principal=name, key_id=credential.key_id, role=role)
    return Issued(name, role, subject, plaintext, credential)


async def create(
    conn: Connection,
    store: CredentialStore,
    new: NewPrincipal,
    now: datetime,
    expires_at: datetime | None,
) -> Issued | None:
    """The principal and its first key; None if the principal exists already."""
    if not await repo.create(conn, new, now):
        return None
    row = await repo.lock(conn, new.principal)
    assert row is not None
    return await _issue(conn, store, row, now, expires_at)


async def rotate(
    conn: Connection,
    store: CredentialStore,
    principal: str,
    now: datetime,
    expires_at: datetime | None,
    grace_s: int,
) -> Issued | None:
    """A new key; the principal's other keys stop working after ``grace_s`` seconds."""
    row = await repo.lock(conn, principal)
    if row is None:
        return None
    issued = await _issue(conn, store, row, now, expires_at)
    await _revoke(
        conn, store, principal, now + timedelta(seconds=grace_s), keep=issued.credential.key_id
    )
    return issued


async def revoke(
    conn: Connection, store: CredentialStore, principal: str, key_id: str, now: datetime
) -> bool | None:
    """Revoke one key now: None if the principal is unknown, False if the key is not its."""
    if await repo.lock(conn, principal) is None:
        return None
    known = await conn.fetchval(
        "SELECT true FROM api_keys WHERE principal = $1 AND key_id = $2", principal, key_id
    )
    if not known:
        return False
    await _revoke(conn, store, principal, now, only=key_id)
    return True


async def remove(conn: Connection, store: CredentialStore, principal: str, now: datetime) -> bool:
    """Revoke every key of the principal now and mark it removed."""
    if await repo.lock(conn, principal) is None:
        return False
    await _revoke(conn, store, principal, now)
    await repo.remove(conn, principal, now)
    return True


async def _revoke(
    conn: Connection,
    store: CredentialStore,
    principal: str,
    at: datetime,
    *,
    only: str | None = None,
    keep: str | None = None,
) -> None:
    changed = await repo.revoke_keys(conn, principal, at, only=only, keep=keep)
    await store.revoke(conn, changed)
    await outbox.enqueue(conn, [events.revoked(key_id, when) for key_id, when in changed])
    for key_id, when in changed:
        log.info("key_revoked", principal=principal, key_id=key_id, at=when.isoformat())


async def bootstrap(conn: Connection, given: list[BootstrapKey], now: datetime) -> int:
    """Issue the deployment's first keys (their hashes, from the launcher); idempotent: a
    key already known (or revoked since) is left as it is. Returns how many were new."""
    new = 0
    for key in given:
        kind = kind_of(key.principal)
        if kind is None:
            raise ValueError(f"bootstrap key {key.key_id}: principal {key.principal!r} has no kind")
        wanted = new_principal(kind.value, key.principal.partition(":")[2], key.role)
        if isinstance(wanted, str):
            raise ValueError(f"bootstrap key {key.key_id}: {wanted}")
        await repo.ensure(conn, wanted, now)
        credential = key.credential()
        if await repo.add_key(conn, credential):
            await outbox.enqueue(conn, [events.issued(credential)])
            new += 1
    return new
