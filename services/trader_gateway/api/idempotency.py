"""Idempotent writes: the Idempotency-Key rules, the request's claim, and its answer.

A retry with the same key and body gets the first answer back, byte for byte (with
``Idempotent-Replayed: true``), and books nothing; the same key with another body is
409. Refusals are answers too: they are stored and replayed, so a corrected request
needs a new key. Nothing is stored when the request fails unexpectedly (the
transaction rolls back), so such a request can simply be retried.

The handler claims the key and stores the answer in the transaction of its effects
(``repository/idempotency.py``); this module says what the request is (its
fingerprint), renders the answer, and turns what the handler found into a response.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, TypeAlias

from fastapi import Header, Request
from pydantic import BaseModel
from starlette.responses import Response

from services.trader_gateway.api import refusals
from services.trader_gateway.domain import Authenticated, Refusal
from services.trader_gateway.repository.idempotency import Answered, Claim, StoredResponse
from shared.http.problems import PROBLEM_JSON, ProblemError

MAX_KEY_LENGTH = 128
_FINGERPRINT_VERSION = b"vault-idempotency-v1"
JSON = "application/json"

JsonValue: TypeAlias = (
    bool | int | str | Decimal | Sequence["JsonValue"] | Mapping[str, "JsonValue"] | None
)

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        pattern=r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$",
        description="Unique per intended action (e.g. a UUID); a retry reuses it.",
    ),
]


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
class Conflict:
    code: str
    detail: str
    title: str
    field: str = field(default="Idempotency-Key")

    def problem(self) -> ProblemError:
        return ProblemError(409, self.code, self.detail, title=self.title, field=self.field)


async def claim_of(request: Request, caller: Authenticated, key: str) -> Claim:
    """What this request asks for under its key; a key the rules refuse is a 400."""
    problem = check_idempotency_key(key)
    if problem is not None:
        raise problem
    # Validated already by the route; re-read (cached) to fingerprint what was sent.
    body = await request.json() if await request.body() else None
    fingerprint = request_fingerprint(
        request.method, request.url.path, body, principal=caller.trader_id
    )
    return Claim(caller.trader_id, key, fingerprint, request.method, request.url.path)


def reply(
    claim: Claim, status: int, model: BaseModel, headers: Mapping[str, str] | None = None
) -> StoredResponse:
    """The answer to store: ``model`` as JSON."""
    return StoredResponse(
        claim.fingerprint,
        status,
        model.model_dump_json().encode(),
        (("content-type", JSON), *(headers or {}).items()),
    )


def refused(claim: Claim, refusal: Refusal) -> StoredResponse:
    """The answer to store: the refusal as a problem document."""
    problem = refusals.problem(refusal)
    return StoredResponse(
        claim.fingerprint, problem.status, problem.body(), (("content-type", PROBLEM_JSON),)
    )


def respond(answered: Answered[Any], claim: Claim) -> Response:
    """The HTTP answer: this request's own, or the one stored under its key before."""
    if answered.replayed:
        decision = decide(answered.response, claim.fingerprint)
        if isinstance(decision, Conflict):
            raise decision.problem()
    stored = answered.response
    headers = dict(stored.headers)
    media_type = headers.pop("content-type", JSON)
    if answered.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(stored.body, stored.status_code, headers=headers, media_type=media_type)


def check_idempotency_key(key: str | None) -> ProblemError | None:
    """None when the key is usable: 1 to 128 printable ASCII characters (as an HTTP
    structured-field string), without outer spaces that proxies might trim."""
    # 400 as the IETF Idempotency-Key draft recommends (and as shared.http.problems
    # answers a header that fails the route's own pattern).
    if key is None or key == "":
        return ProblemError(
            400,
            "idempotency_key_missing",
            "this request needs an Idempotency-Key header",
            title="Idempotency-Key required",
            field="Idempotency-Key",
        )
    printable = all(" " <= ch <= "~" for ch in key)
    if len(key) > MAX_KEY_LENGTH or not printable or key != key.strip(" "):
        return ProblemError(
            400,
            "invalid_idempotency_key",
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters",
            title="Invalid Idempotency-Key",
            field="Idempotency-Key",
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
    # 409 where the draft says 422: the key conflicts with the request already booked.
    if stored.fingerprint != fingerprint:
        return Conflict(
            "idempotency_key_reused",
            "this Idempotency-Key was already used for a different request",
            "Idempotency-Key reused",
        )
    if isinstance(stored, InFlight):
        return Conflict(
            "conflict",
            "a request with this Idempotency-Key is still being processed; retry later",
            "Conflict",
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
