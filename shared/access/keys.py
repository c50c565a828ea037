"""API keys: random, shown once, stored as a hash, rotatable, revocable. Pure.

A key reads ``vlt_<key id>_<secret>``: 16 hex digits of id (what storage is keyed by and
what the failure limiter counts), 256 bits of secret. Storage keeps the sha256 of the
scheme, id and secret: a 256-bit random secret needs no slow hash, and the id inside
the hashed material means a match also proves the id.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime

from shared.contracts.common import require_aware

KEY_PREFIX = "vlt"
HASH_SCHEME = "sha256-v1"
_KEY_ID_BYTES = 8
_SECRET_BYTES = 32
# token_hex(8) never contains "_", so the first two underscores split the key
# unambiguously even though token_urlsafe secrets may contain "_" themselves.
_KEY_PATTERN = re.compile(r"vlt_(?P<key_id>[0-9a-f]{16})_(?P<secret>[A-Za-z0-9_-]{43})")
_DUMMY_HASH = hashlib.sha256(b"vault-api-key-dummy").hexdigest()


@dataclass(frozen=True, slots=True)
class ParsedKey:
    key_id: str
    # Kept out of repr so a logged ParsedKey never leaks the credential.
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Credential:
    """What storage holds for one key. ``revoked_at`` may lie in the future: a rotation's
    grace period, during which the old and new keys both work."""

    key_id: str
    principal: str
    role: str
    subject: str | None
    secret_hash: str
    issued_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    def is_active(self, now: datetime) -> bool:
        return (
            self.issued_at <= now
            and (self.revoked_at is None or now < self.revoked_at)
            and (self.expires_at is None or now < self.expires_at)
        )


def issue(
    principal: str,
    role: str,
    now: datetime,
    *,
    subject: str | None = None,
    expires_at: datetime | None = None,
) -> tuple[str, Credential]:
    """A new key: the plaintext, to show its holder once, and the credential to store."""
    require_aware(now, "now")
    key_id = secrets.token_hex(_KEY_ID_BYTES)
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    credential = Credential(
        key_id, principal, role, subject, hash_secret(key_id, secret), now, expires_at
    )
    return f"{KEY_PREFIX}_{key_id}_{secret}", credential


def parse(plaintext: object) -> ParsedKey | None:
    """The key's parts, or None for anything malformed, decided without storage."""
    if not isinstance(plaintext, str):
        return None
    match = _KEY_PATTERN.fullmatch(plaintext)
    if match is None:
        return None
    return ParsedKey(match["key_id"], match["secret"])


def key_hash(plaintext: str) -> str | None:
    """The stored form of a whole key (for a key made elsewhere, e.g. the launcher's)."""
    parsed = parse(plaintext)
    return None if parsed is None else hash_secret(parsed.key_id, parsed.secret)


def verify(parsed: ParsedKey, credential: Credential | None, now: datetime) -> bool:
    """Whether the key is this active credential's. Costs the same when there is none."""
    expected = _DUMMY_HASH if credential is None else credential.secret_hash
    matches = hmac.compare_digest(hash_secret(parsed.key_id, parsed.secret), expected)
    return credential is not None and matches and credential.is_active(now)


def revoke(credential: Credential, at: datetime) -> Credential:
    """Revoke at ``at``; an earlier revocation stands, since revocation is never postponed."""
    require_aware(at, "at")
    if credential.revoked_at is not None and credential.revoked_at <= at:
        return credential
    return replace(credential, revoked_at=max(at, credential.issued_at))


def hash_secret(key_id: str, secret: str) -> str:
    material = f"{HASH_SCHEME}\x00{key_id}\x00{secret}".encode()
    return hashlib.sha256(material).hexdigest()
