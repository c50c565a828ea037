"""The pacing pass: commitments not yet covered become commitment demand, paced per mineral.

One pass at a time (an advisory lock); a mineral in a declared disruption is skipped
(the disruption policy: draws' replenishments go on, new commitment buying waits); per mineral the domain's ``pace`` says how much
each manufacturer is asked for; each ask is stored and told (``commitment.demanded``)
in one transaction, so what was asked counts as covered in the next pass.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import structlog

from services.participation import events
from services.participation.context import Participation
from services.participation.domain.commitments import Commitment
from services.participation.domain.pacing import pace
from services.participation.repository import commitments, disruptions, requests
from services.participation.settings import NAME
from shared import outbox
from shared.contracts.participation import CommitmentDemanded
from shared.envelope import new_event
from shared.service import Service, every

log = structlog.get_logger(__name__)


def month_start(at: datetime) -> datetime:
    day = at.astimezone(UTC)
    return datetime(day.year, day.month, 1, tzinfo=UTC)


async def pace_once(ctx: Participation) -> list[CommitmentDemanded]:
    now = ctx.now()
    today = ctx.today()
    asked: list[CommitmentDemanded] = []
    async with ctx.service.transaction() as conn:
        if not await requests.lock_pacing(conn):
            return []
        # In a disruption of a mineral its commitments are not paced: the program does not
        # compete for scarce material, and what draws owe back is bought first.
        disrupted = await disruptions.in_force_minerals(conn)
        by_mineral: dict[str, list[Commitment]] = defaultdict(list)
        period_end = {}
        for row in await commitments.rows_in_force(conn, today):
            if row["mineral"] in disrupted:
                continue
            by_mineral[row["mineral"]].append(commitments.commitment_of(row))
            period_end[(row["manufacturer_id"], row["mineral"])] = row["period_end"]
        for mineral, book in sorted(by_mineral.items()):
            this_month = await requests.requested_since(conn, mineral, month_start(now))
            terms = {c.manufacturer_id: c for c in book}
            for ask in pace(book, ctx.pacing.rule(mineral), this_month):
                deliver_by = min(
                    today + timedelta(days=ctx.commitment_lead_days),
                    max(period_end[(ask.manufacturer_id, mineral)], today + timedelta(days=1)),
                )
                asked.append(
                    events.commitment_demanded(
                        ask, terms[ask.manufacturer_id], deliver_by=deliver_by, at=now
                    )
                )
        await requests.insert(conn, asked)
        await outbox.enqueue(conn, [new_event(a, producer=NAME) for a in asked])
    for a in asked:
        log.info(
            "commitment_demanded",
            request_id=a.request_id,
            manufacturer_id=a.manufacturer_id,
            mineral=a.mineral,
            quantity=str(a.quantity.amount),
        )
    return asked


async def _pass(service: Service) -> None:
    await pace_once(service.context)


def _interval(service: Service) -> float:
    ctx: Participation = service.context
    return ctx.pace_every_s


pacing = every(_interval, _pass, "participation_pacing")
