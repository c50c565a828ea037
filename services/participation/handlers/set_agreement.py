"""A program admin sets a manufacturer's agreement: a new version, dated, told to all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import structlog

from services.participation import events
from services.participation.repository import agreements
from shared import outbox
from shared.contracts.participation import MineralTerms
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class AgreementSaved:
    manufacturer_id: str
    version: int
    effective_from: date


async def set_agreement(
    conn: Connection,
    manufacturer_id: str,
    effective_from: date,
    terms: list[MineralTerms],
    *,
    set_by: str,
    now: datetime,
) -> AgreementSaved:
    await agreements.lock(conn, manufacturer_id)
    version = await agreements.next_version(conn, manufacturer_id)
    await agreements.insert(
        conn, manufacturer_id, version, effective_from, terms, set_by=set_by, set_at=now
    )
    await outbox.enqueue(
        conn,
        [
            events.agreement_set(
                manufacturer_id, version, effective_from, terms, set_by=set_by, set_at=now
            )
        ],
    )
    log.info(
        "agreement_set",
        manufacturer_id=manufacturer_id,
        version=version,
        minerals=[t.mineral for t in terms],
    )
    return AgreementSaved(manufacturer_id, version, effective_from)
