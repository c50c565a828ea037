"""Trading houses: their terms as ops registered them, and their API keys.

A trading house's markets, rank and limits are data ops maintain; a trader may act
only in the markets it is registered for.

API keys: issue, parse, verify, revoke, rotate. A key reads `vlt_<key_id>_<secret>`. The key id is public (it finds the record);
only a hash of the secret is ever stored.

Why plain SHA-256 and not scrypt or PBKDF2: slow, salted hashes exist to protect
low-entropy secrets such as passwords from offline guessing. Our secret is 256 bits
from `secrets`, so a leaked hash cannot be brute-forced whatever the hash speed,
and a slow KDF would only hand an attacker a cheap way to burn our CPU on every
request. The key id and a version label go into the hash as domain separation, so a
stored hash cannot be moved to another record, and the scheme can change later.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from services.trader_gateway.domain.values import Refusal, RefusalCode, identifier_problem
from shared.contracts import require_aware


@dataclass(frozen=True, slots=True)
class TraderRegistration:
    """Which markets a trading house is registered for: data ops maintain."""

    trader_id: str
    markets: frozenset[str]


@dataclass(frozen=True, slots=True)
class Trader:
    """A trading house's terms; two registrations with equal terms compare equal."""

    trader_id: str
    name: str
    markets: tuple[str, ...]  # sorted, no repeats
    rank: int
    capacity: Decimal
    exposure_limit_usd: Decimal
    active: bool

    @property
    def registration(self) -> TraderRegistration | None:
        """What the trader may act in; None once ops deactivated it."""
        if not self.active:
            return None
        return TraderRegistration(self.trader_id, frozenset(self.markets))


KEY_PREFIX = "vlt"
HASH_SCHEME = "sha256-v1"
_KEY_ID_BYTES = 8
_SECRET_BYTES = 32
# token_hex(8) never contains "_", so the first two underscores split the key
# unambiguously even though token_urlsafe secrets may contain "_" themselves.
_KEY_PATTERN = re.compile(r"vlt_(?P<key_id>[0-9a-f]{16})_(?P<secret>[A-Za-z0-9_-]{43})")


@dataclass(frozen=True, slots=True)
class ParsedKey:
    key_id: str
    # Kept out of repr so a logged ParsedKey never leaks the credential.
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """What storage holds for one key. `revoked_at` may lie in the future: that is a
    rotation grace period, during which the old and new keys both work."""

    key_id: str
    trader_id: str
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None = None
    scheme: str = HASH_SCHEME

    def is_active(self, now: datetime) -> bool:
        return self.created_at <= now and (self.revoked_at is None or now < self.revoked_at)


@dataclass(frozen=True, slots=True)
class Authenticated:
    trader_id: str
    key_id: str


@dataclass(frozen=True, slots=True)
class AuthRefused(Refusal):
    pass


@dataclass(frozen=True, slots=True)
class KeyRotation:
    plaintext: str = field(repr=False)
    issued: KeyRecord
    retiring: tuple[KeyRecord, ...]


# The same answer whatever failed, so failures do not tell an attacker which part
# of a key was right.
INVALID_KEY = AuthRefused(RefusalCode.UNAUTHORISED, "missing, invalid or revoked API key")
_DUMMY_HASH = hashlib.sha256(b"vault-api-key-dummy").hexdigest()


def issue_key(trader_id: str, now: datetime) -> tuple[str, KeyRecord]:
    """A new key: the plaintext, to show the trader once, and the record to store."""
    problem = identifier_problem(trader_id, "trader_id")
    if problem is not None:
        raise ValueError(problem)
    require_aware(now, "now")
    key_id = secrets.token_hex(_KEY_ID_BYTES)
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    record = KeyRecord(key_id, trader_id, _hash_secret(key_id, secret), now)
    return f"{KEY_PREFIX}_{key_id}_{secret}", record


def parse_key(plaintext: object) -> ParsedKey | None:
    """The key's parts, or None for anything malformed, decided without storage."""
    if not isinstance(plaintext, str):
        return None
    match = _KEY_PATTERN.fullmatch(plaintext)
    if match is None:
        return None
    return ParsedKey(match["key_id"], match["secret"])


def verify_key(plaintext: str, record: KeyRecord) -> bool:
    """Whether the plaintext is the key this record was issued for (ignores revocation)."""
    parsed = parse_key(plaintext)
    if parsed is None or record.scheme != HASH_SCHEME:
        return False
    # The key id is inside the hashed material, so a match also proves the id.
    return hmac.compare_digest(_hash_secret(parsed.key_id, parsed.secret), record.secret_hash)


def authenticate(
    plaintext: str, record: KeyRecord | None, now: datetime
) -> Authenticated | AuthRefused:
    """Who is calling, given the record stored under the key's id (None if there is none)."""
    require_aware(now, "now")
    parsed = parse_key(plaintext)
    if parsed is None:
        return INVALID_KEY
    if record is None:
        # Hash anyway, so an unknown key id costs the same time as a wrong secret.
        hmac.compare_digest(_hash_secret(parsed.key_id, parsed.secret), _DUMMY_HASH)
        return INVALID_KEY
    if not verify_key(plaintext, record) or not record.is_active(now):
        return INVALID_KEY
    return Authenticated(record.trader_id, record.key_id)


def revoke_key(record: KeyRecord, at: datetime) -> KeyRecord:
    """Revoke at `at`; an earlier revocation stands, since revocation is never postponed."""
    require_aware(at, "at")
    if at < record.created_at:
        raise ValueError("a key cannot be revoked before it was created")
    if record.revoked_at is not None and record.revoked_at <= at:
        return record
    return replace(record, revoked_at=at)


def active_keys(records: Iterable[KeyRecord], now: datetime) -> tuple[KeyRecord, ...]:
    return tuple(r for r in records if r.is_active(now))


def rotate_keys(
    records: Iterable[KeyRecord], trader_id: str, now: datetime, grace: timedelta
) -> KeyRotation:
    """Issue a new key and schedule the trader's current keys to stop after `grace`,
    so the trader can deploy the new key without an outage."""
    if grace < timedelta(0):
        raise ValueError("grace must not be negative")
    plaintext, issued = issue_key(trader_id, now)
    retiring = tuple(
        revoke_key(r, now + grace) for r in active_keys(records, now) if r.trader_id == trader_id
    )
    return KeyRotation(plaintext, issued, retiring)


def _hash_secret(key_id: str, secret: str) -> str:
    material = f"{HASH_SCHEME}\x00{key_id}\x00{secret}".encode()
    return hashlib.sha256(material).hexdigest()
