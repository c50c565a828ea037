"""Several writes as one statement: numbered parameters, the parts as data-modifying CTEs.

A unit of work that changes legs, books fills, records outbox rows and stores its
answer sends all of it in one round trip. PostgreSQL runs every part of a statement
on one snapshot, so the parts must not depend on each other's effects: each writes
its own rows (one row per leg, already in its final state).
"""

from __future__ import annotations

from collections.abc import Sequence

from shared import outbox
from shared.db import Connection
from shared.envelope import EventMeta, topic_of


class Params:
    """The values of one statement, numbered as they are placed: ``p(value, "text[]")``."""

    def __init__(self) -> None:
        self.values: list[object] = []

    def __call__(self, value: object, cast: str) -> str:
        self.values.append(value)
        return f"${len(self.values)}::{cast}"


def outbox_part(p: Params, events: Sequence[EventMeta]) -> str:
    """The outbox rows of ``events``, as ``shared.outbox.enqueue`` writes them."""
    arrays = outbox.columns([(topic_of(e), e) for e in events])
    return outbox.insert_from(
        [p(values, kind) for values, kind in zip(arrays, outbox.COLUMN_TYPES, strict=True)]
    )


async def execute_all(conn: Connection, p: Params, parts: Sequence[str]) -> None:
    """Run the parts (statements written with ``p``) in one round trip."""
    if not parts:
        return
    if len(parts) == 1:
        await conn.execute(parts[0], *p.values)
        return
    ctes = ", ".join(f"w{i} AS ({part})" for i, part in enumerate(parts))
    await conn.execute(f"WITH {ctes} SELECT", *p.values)
