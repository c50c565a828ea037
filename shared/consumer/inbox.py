"""The inbox: which events a consumer has applied, recorded with their effects.

An event is its id and its content (a fingerprint of its bytes): a redelivery has
both and changes nothing; the same id with other content is not a redelivery (a
sender that reuses ids still gets an answer), and is recorded under an id derived
from the pair. Rows from before fingerprints were kept read as matching any content.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from shared.db import Connection

# Derives the inbox id of "this event id with this other content".
_REUSED = uuid.UUID("6f1d3c52-8e0b-4f5e-9a57-3f2d9b1c0e41")

_CLAIM = (
    "INSERT INTO inbox (consumer, topic, partition, event_id, event_type, kafka_offset, "
    "fingerprint, outcome) "
    "SELECT $1, $2, p, e, t, o, f, c "
    "FROM unnest($3::int[], $4::uuid[], $5::text[], $6::bigint[], $7::bytea[], $8::text[]) "
    "AS u(p, e, t, o, f, c) ON CONFLICT DO NOTHING RETURNING event_id"
)


def fingerprint(value: bytes) -> bytes:
    return hashlib.blake2b(value, digest_size=16).digest()


def reused_id(event_id: uuid.UUID, print_: bytes) -> uuid.UUID:
    return uuid.uuid5(_REUSED, f"{event_id}/{print_.hex()}")


@dataclass(frozen=True, slots=True)
class Entry:
    """What a consumer records of one record of a partition batch."""

    event_id: uuid.UUID
    event_type: str
    partition: int
    offset: int
    fingerprint: bytes
    outcome: str  # applied, dead_lettered
    replay: bool = False  # put back from the dead-letter topic by ops


async def claim(conn: Connection, consumer: str, topic: str, entries: Sequence[Entry]) -> list[int]:
    """Record the entries seen for the first time; returns their positions in ``entries``.

    Must run in the transaction that applies them. Within one batch, a second copy of
    an entry is a redelivery like any other. Of an id's contents, the one the inbox
    holds under the id itself (or, for an id it does not hold, the first in the batch)
    is the original; every other content is recorded under its derived id.
    """
    first_of_pair: dict[tuple[uuid.UUID, bytes], int] = {}
    for position, entry in enumerate(entries):
        first_of_pair.setdefault((entry.event_id, entry.fingerprint), position)
    stored = await _stored(conn, consumer, list(dict.fromkeys(e.event_id for e in entries)))
    primary: list[int] = []  # ids the inbox does not hold: their first content
    derived: list[int] = []  # other content than the original's
    replayed: list[int] = []
    original: dict[uuid.UUID, bytes] = {i: print_ for i, (print_, _) in stored.items()}
    for (event_id, print_), position in first_of_pair.items():
        if event_id not in original:
            original[event_id] = print_
            primary.append(position)
        elif original[event_id] not in (b"", print_):
            derived.append(position)
        elif entries[position].replay and stored.get(event_id, (b"", ""))[1] == "dead_lettered":
            replayed.append(position)
    inserted = await _insert(conn, consumer, topic, [entries[p] for p in primary])
    fresh = [p for p in primary if entries[p].event_id in inserted]
    raced = [p for p in primary if entries[p].event_id not in inserted]
    if raced:
        # Another transaction (another partition) recorded the id meanwhile: with the
        # same content it was a redelivery, with other content this one is reused.
        now = await _stored(conn, consumer, [entries[p].event_id for p in raced])
        derived += [
            p
            for p in raced
            if now.get(entries[p].event_id, (b"", ""))[0] not in (b"", entries[p].fingerprint)
        ]
    if replayed:
        await conn.execute(
            "UPDATE inbox SET outcome = 'replayed', processed_at = now() "
            "WHERE consumer = $1 AND event_id = ANY($2) AND outcome = 'dead_lettered'",
            consumer,
            [entries[p].event_id for p in replayed],
        )
        fresh += replayed
    if derived:
        renamed = {p: _derived(entries[p]) for p in derived}
        inserted = await _insert(conn, consumer, topic, list(renamed.values()))
        fresh += [p for p, entry in renamed.items() if entry.event_id in inserted]
    return sorted(fresh)


async def _stored(
    conn: Connection, consumer: str, ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[bytes, str]]:
    """The fingerprint and outcome the inbox holds under each of ``ids`` it holds."""
    if not ids:
        return {}
    rows = await conn.fetch(
        "SELECT event_id, fingerprint, outcome FROM inbox "
        "WHERE consumer = $1 AND event_id = ANY($2)",
        consumer,
        ids,
    )
    return {row["event_id"]: (bytes(row["fingerprint"]), row["outcome"]) for row in rows}


def _derived(entry: Entry) -> Entry:
    return replace(entry, event_id=reused_id(entry.event_id, entry.fingerprint))


async def _insert(
    conn: Connection, consumer: str, topic: str, entries: Sequence[Entry]
) -> set[uuid.UUID]:
    if not entries:
        return set()
    rows = await conn.fetch(
        _CLAIM,
        consumer,
        topic,
        [e.partition for e in entries],
        [e.event_id for e in entries],
        [e.event_type for e in entries],
        [e.offset for e in entries],
        [e.fingerprint for e in entries],
        [e.outcome for e in entries],
    )
    return {row["event_id"] for row in rows}


async def forget_older_than(conn: Connection, consumer: str, days: float) -> int:
    """Drop entries old enough that no redelivery can bring their event back."""
    status = await conn.execute(
        "DELETE FROM inbox WHERE consumer = $1 "
        "AND processed_at < now() - make_interval(secs => $2)",
        consumer,
        days * 86_400,
    )
    return int(status.split()[-1])
