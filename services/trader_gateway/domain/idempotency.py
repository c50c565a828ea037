"""Idempotency-Key rules: a retried request replays its first answer, never acts twice.

Storage should keep the stored response in the same transaction as the request's
effects; then a crash leaves no half-recorded key, and no lease or expiry logic is
needed here.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias

from services.trader_gateway.domain.refusals import Refusal, RefusalCode

MAX_KEY_LENGTH = 128
_FINGERPRINT_VERSION = b"vault-idempotency-v1"

JsonValue: TypeAlias = (
    bool | int | str | Decimal | Sequence["JsonValue"] | Mapping[str, "JsonValue"] | None
)


@dataclass(frozen=True, slots=True)
class StoredResponse:
    fingerprint: str
    status_code: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class InFlight:
    """A request under this key that has started and not yet finished."""

    fingerprint: str


@dataclass(frozen=True, slots=True)
class Proceed:
    pass


@dataclass(frozen=True, slots=True)
class Replay:
    response: StoredResponse


@dataclass(frozen=True, slots=True)
class Conflict(Refusal):
    pass


def check_idempotency_key(key: str | None) -> Refusal | None:
    """None when the key is usable: 1 to 128 printable ASCII characters (as an HTTP
    structured-field string), without outer spaces that proxies might trim."""
    if key is None or key == "":
        return Refusal(
            RefusalCode.IDEMPOTENCY_KEY_MISSING,
            "this request needs an Idempotency-Key header",
            "Idempotency-Key",
        )
    printable = all(" " <= ch <= "~" for ch in key)
    if len(key) > MAX_KEY_LENGTH or not printable or key != key.strip(" "):
        return Refusal(
            RefusalCode.INVALID_IDEMPOTENCY_KEY,
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters",
            "Idempotency-Key",
        )
    return None


def request_fingerprint(method: str, path: str, body: bytes | JsonValue, *, principal: str) -> str:
    """A digest of what the request asks for.

    `principal` (the trader) is part of it so that, even if storage were ever keyed
    by Idempotency-Key alone, one trader could not replay another's stored answer.
    A JSON body is canonicalised (sorted keys, numbers by value) so re-serialising
    the same request does not count as a different one.
    """
    if isinstance(body, bytes):
        kind, payload = b"bytes", body
    else:
        kind, payload = b"json", _utf8(canonical_json(body))
    digest = hashlib.sha256()
    parts = (_FINGERPRINT_VERSION, _utf8(principal), _utf8(method.upper()), _utf8(path))
    for part in (*parts, kind, payload):
        # Length-prefixed so no two different requests can concatenate to the same bytes.
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def decide(
    stored: StoredResponse | InFlight | None, fingerprint: str
) -> Replay | Conflict | Proceed:
    if stored is None:
        return Proceed()
    if stored.fingerprint != fingerprint:
        return Conflict(
            RefusalCode.IDEMPOTENCY_KEY_REUSED,
            "this Idempotency-Key was already used for a different request",
            "Idempotency-Key",
        )
    if isinstance(stored, InFlight):
        return Conflict(
            RefusalCode.CONFLICT,
            "a request with this Idempotency-Key is still being processed; retry later",
            "Idempotency-Key",
        )
    return Replay(stored)


def canonical_json(value: JsonValue) -> str:
    """One spelling per JSON value. Floats are refused: amounts travel as Decimal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return _canonical_number(Decimal(value))
    if isinstance(value, str):
        return _canonical_string(value)
    if isinstance(value, bytes | bytearray):
        raise TypeError("bytes are only accepted as the whole body")
    if isinstance(value, Mapping):
        items = sorted(value.items(), key=lambda item: _require_key(item[0]))
        return "{" + ",".join(f"{_canonical_string(k)}:{canonical_json(v)}" for k, v in items) + "}"
    if isinstance(value, Sequence):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    raise TypeError(f"cannot canonicalise {type(value).__name__}")


def _require_key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError("JSON object keys must be strings")
    return key


def _utf8(value: str) -> bytes:
    # surrogatepass: parsed JSON may hold lone surrogates ("\ud800"); they must hash,
    # distinctly, rather than crash the request.
    return value.encode("utf-8", "surrogatepass")


def _canonical_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(ch if ch >= " " else f"\\u{ord(ch):04x}" for ch in escaped) + '"'


def _canonical_number(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError("JSON numbers must be finite")
    if value.is_zero():
        return "0"
    # Built from the digits rather than normalize(), which rounds to the context
    # precision and could make two different long numbers look alike; and never in
    # fixed-point form, which would let "1e999999999" expand into a gigabyte.
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # only non-finite values lack an integer exponent
        raise ValueError("JSON numbers must be finite")
    coefficient = "".join(map(str, digits)).lstrip("0")
    stripped = coefficient.rstrip("0")
    exponent += len(coefficient) - len(stripped)
    return f"{'-' if sign else ''}{stripped}e{exponent}"
