"""Idempotency records: the first answer under (trader, Idempotency-Key), kept with its effects.

A write claims its key first, in its own transaction: a concurrent request with the
same key blocks on the primary key until the first one's transaction ends, then
finds its committed answer (or the key free again if it rolled back), so the two can
never both act. The answer is stored by the same transaction as the effects, so a
retry replays it and a crash leaves no half-recorded key.

The claim and the answer are also statement fragments (``CLAIM``, ``answer_part``),
so a handler can fold them into the statements it issues anyway (the fill path).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from services.trader_gateway.repository.sql import Params
from shared.db import Connection

Outcome = TypeVar("Outcome")


@dataclass(frozen=True, slots=True)
class StoredResponse:
    fingerprint: str
    status_code: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Claim:
    """One request's Idempotency-Key, and what the request asks for (its fingerprint)."""

    trader_id: str
    key: str
    fingerprint: str
    method: str
    path: str


@dataclass(frozen=True, slots=True)
class Answered(Generic[Outcome]):
    """The answer a request gets: its own outcome, or one stored under its key before."""

    response: StoredResponse
    outcome: Outcome | None = None  # None: the key was claimed already; ``response`` is that answer

    @property
    def replayed(self) -> bool:
        return self.outcome is None


Answer = Callable[[Outcome], StoredResponse]

# $1..$5: trader_id, key, fingerprint, method, path. Returns the transaction's time
# (what ``now()`` writes into every row of it) when the key was free.
CLAIM = (
    "INSERT INTO idempotency_records (trader_id, idempotency_key, fingerprint, method, path) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING now() AS claimed_at"
)


def claim_params(claim: Claim) -> tuple[str, str, str, str, str]:
    return claim.trader_id, claim.key, claim.fingerprint, claim.method, claim.path


async def claim_key(conn: Connection, claim: Claim) -> bool:
    """Whether the key was free (and is now this request's), in the caller's transaction."""
    return await conn.fetchval(CLAIM, *claim_params(claim)) is not None


async def stored(conn: Connection, claim: Claim) -> StoredResponse:
    """The answer stored under a key this request could not claim."""
    row = await conn.fetchrow(
        "SELECT fingerprint, status_code, headers, body FROM idempotency_records "
        "WHERE trader_id = $1 AND idempotency_key = $2",
        claim.trader_id,
        claim.key,
    )
    # Claimed and answered in one transaction: a row we can see always has its answer.
    assert row is not None
    assert row["status_code"] is not None
    headers = json.loads(row["headers"])
    return StoredResponse(
        fingerprint=row["fingerprint"],
        status_code=row["status_code"],
        body=bytes(row["body"]),
        headers=tuple((str(k), str(v)) for k, v in headers.items()),
    )


def answer_part(p: Params, claim: Claim, response: StoredResponse) -> str:
    """The statement that stores ``response`` as the answer under the claimed key."""
    return (
        f"UPDATE idempotency_records SET status_code = {p(response.status_code, 'int')}, "
        f"headers = {p(json.dumps(dict(response.headers)), 'jsonb')}, "
        f"body = {p(response.body, 'bytea')} "
        f"WHERE trader_id = {p(claim.trader_id, 'text')} "
        f"AND idempotency_key = {p(claim.key, 'text')}"
    )


async def once(
    conn: Connection, claim: Claim, answer: Answer[Outcome], act: Callable[[], Awaitable[Outcome]]
) -> Answered[Outcome]:
    """Act under ``claim`` and store the answer to what happened; or, if the key was
    claimed already, do nothing and hand back the answer stored then."""
    if not await claim_key(conn, claim):
        return Answered(await stored(conn, claim))
    outcome = await act()
    response = answer(outcome)
    p = Params()
    await conn.execute(answer_part(p, claim, response), *p.values)
    return Answered(response, outcome)
