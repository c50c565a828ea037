"""A program admin declares and ends a supply disruption of a mineral (one at a time)."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
import structlog

from services.participation import events
from services.participation.repository import disruptions
from shared import outbox
from shared.db import Connection

log = structlog.get_logger(__name__)


async def declare(
    conn: Connection, mineral: str, reason: str, now: datetime
) -> tuple[asyncpg.Record, bool]:
    """The disruption in force, and whether this call declared it (False: already in force)."""
    await disruptions.lock(conn, mineral)
    found = await disruptions.in_force(conn, mineral)
    if found is not None:
        return found, False
    disruption_id = f"disruption-{uuid.uuid4().hex[:20]}"
    await disruptions.declare(conn, disruption_id, mineral, reason, now)
    await outbox.enqueue(conn, [events.disruption_declared(disruption_id, mineral, reason, now)])
    log.info("disruption_declared", mineral=mineral, disruption_id=disruption_id, reason=reason)
    declared = await disruptions.in_force(conn, mineral)
    assert declared is not None
    return declared, True


async def end(conn: Connection, mineral: str, now: datetime) -> asyncpg.Record | None:
    """The disruption ended, or None when none was in force."""
    await disruptions.lock(conn, mineral)
    found = await disruptions.in_force(conn, mineral)
    if found is None:
        return None
    await disruptions.end(conn, found["disruption_id"], now)
    await outbox.enqueue(conn, [events.disruption_ended(found["disruption_id"], mineral, now)])
    log.info("disruption_ended", mineral=mineral, disruption_id=found["disruption_id"])
    return found
