"""Keys for tests: the deployment's bootstrap keys, keys granted straight into a service's
credentials table, and an in-memory store for APIs tested without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.access import bootstrap, keys
from shared.access.keys import Credential
from shared.access.store import CredentialStore
from shared.service import Service
from vault.credentials import new_key

ADMIN_KEY = new_key()
OPS_READ_KEY = new_key()
BOOTSTRAP = [
    bootstrap.describe(ADMIN_KEY, "ops:test-admin", "program_admin"),
    bootstrap.describe(OPS_READ_KEY, "ops:test-reader", "ops_read"),
]
# ServiceSettings(bootstrap_keys=BOOTSTRAP_ENV): every test service accepts both from start.
BOOTSTRAP_ENV = bootstrap.encode(BOOTSTRAP)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


ADMIN = bearer(ADMIN_KEY)
OPS_READ = bearer(OPS_READ_KEY)


def credential(
    role: str, subject: str | None = None, principal: str | None = None
) -> tuple[str, Credential]:
    """A new key in ``role`` (issued a minute ago, so a skewed clock does not matter)."""
    name = principal or (f"manufacturer:{subject}" if subject else f"ops:{role}")
    return keys.issue(name, role, datetime.now(UTC) - timedelta(minutes=1), subject=subject)


async def grant(service: Service, role: str, subject: str | None = None) -> str:
    """A key ``service`` accepts at once (written to its credentials table, as the event would)."""
    plaintext, made = credential(role, subject)
    async with service.pool.acquire() as conn:
        await service.credentials.save(conn, [made])
    return plaintext


async def manufacturer(service: Service, manufacturer_id: str) -> dict[str, str]:
    return bearer(await grant(service, "manufacturer", manufacturer_id))


class StaticCredentials(CredentialStore):
    """A store with no database: the bootstrap keys and any ``add``-ed."""

    def __init__(self) -> None:
        super().__init__(lambda: None)  # type: ignore[arg-type,return-value]
        self._known = {k.key_id: k.credential() for k in BOOTSTRAP}

    def add(self, role: str, subject: str | None = None) -> str:
        plaintext, made = credential(role, subject)
        self._known[made.key_id] = made
        return plaintext

    async def find(self, key_id: str) -> Credential | None:
        return self._known.get(key_id)
