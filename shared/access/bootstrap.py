"""The keys a deployment starts with, handed to services as hashes in one environment value.

The launcher (or whoever deploys) makes the first program-admin key, and the console's
``ops_read`` key, keeps the plaintext in its state folder (0600), and gives services
only ``VAULT_BOOTSTRAP_KEYS``: a JSON list of ``{key_id, principal, role, subject,
secret_hash}``. access issues them at start-up (idempotent: a key already known, or
revoked since, stays as it is), and every other service seeds its ``credentials``
table with them too, so the first request after start-up does not race access's
``credential.issued`` event. Revoking one works as for any key: by access's event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from shared.access import keys

ENV = "VAULT_BOOTSTRAP_KEYS"
# Bootstrap keys count as issued at the epoch: a re-seeded key never moves its issue time.
ISSUED_AT = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class BootstrapKey:
    key_id: str
    principal: str
    role: str
    secret_hash: str
    subject: str | None = None

    def credential(self) -> keys.Credential:
        return keys.Credential(
            self.key_id, self.principal, self.role, self.subject, self.secret_hash, ISSUED_AT
        )


def describe(plaintext: str, principal: str, role: str, subject: str | None = None) -> BootstrapKey:
    """What services are told of a key made outside access: its id and hash, not its secret."""
    parsed = keys.parse(plaintext)
    if parsed is None:
        raise ValueError("not a Vault API key (vlt_<16 hex>_<43 chars>)")
    return BootstrapKey(
        parsed.key_id, principal, role, keys.hash_secret(parsed.key_id, parsed.secret), subject
    )


def encode(described: list[BootstrapKey]) -> str:
    return json.dumps(
        [
            {
                "key_id": k.key_id,
                "principal": k.principal,
                "role": k.role,
                "subject": k.subject,
                "secret_hash": k.secret_hash,
            }
            for k in described
        ]
    )


def decode(value: str) -> list[BootstrapKey]:
    """The keys in ``VAULT_BOOTSTRAP_KEYS`` (empty for an empty value); ValueError if unreadable."""
    if not value.strip():
        return []
    try:
        items = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{ENV} is not JSON: {exc}") from None
    if not isinstance(items, list):
        raise ValueError(f"{ENV} must be a JSON list")
    found: list[BootstrapKey] = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError(f"{ENV}: each key is an object")
        try:
            key = BootstrapKey(
                key_id=str(item["key_id"]),
                principal=str(item["principal"]),
                role=str(item["role"]),
                subject=None if item.get("subject") is None else str(item["subject"]),
                secret_hash=str(item["secret_hash"]),
            )
        except KeyError as exc:
            raise ValueError(f"{ENV}: a key without {exc}") from None
        if len(key.key_id) != 16 or len(key.secret_hash) != 64:
            raise ValueError(f"{ENV}: key {key.key_id!r} has a malformed id or hash")
        found.append(key)
    return found
