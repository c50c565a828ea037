"""A release under an agreement is a draw: judged by the rights in force, then performed.

Without an agreement for the mineral a release is what it always was
(``perform_release``: its own holdings, the interim price). With one, the shared rule
(``shared.participation_rules.judge_draw``) decides: its own holdings, and in a declared
disruption its share of the others'; a draw beyond is refused with the reason. The
replenishment is limited by the agreement's set price; what was drawn from another
participant's lots is bought back for them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import structlog

from services.inventory import events
from services.inventory.domain import IdReused, ReleaseRefused, ReleaseRequest, retry_release
from services.inventory.domain.draws import AgreementTerms, owed_back, plan_draw
from services.inventory.domain.releases import ReleasePlan
from services.inventory.handlers.perform_release import Released, perform_release
from services.inventory.repository import draw_rights, ledger, locks, lots, releases
from services.inventory.settings import NAME
from shared import outbox
from shared.db import Connection
from shared.envelope import EventMeta, new_event
from shared.participation_rules import DrawRefused, DrawRights, judge_draw

log = structlog.get_logger(__name__)


async def perform_draw(
    conn: Connection,
    request: ReleaseRequest,
    *,
    now: datetime,
    lead_days: int,
    price_headroom: Decimal,
) -> Released | ReleaseRefused | IdReused | DrawRefused:
    day = now.astimezone(UTC).date()
    term = await draw_rights.term(conn, request.manufacturer_id, request.mineral, day)
    if term is None:
        return await perform_release(
            conn, request, now=now, lead_days=lead_days, price_headroom=price_headroom
        )
    await draw_rights.lock_pool(conn, request.mineral)
    await locks.release(conn, request.manufacturer_id, request.release_id, request.mineral)
    stored = await releases.get(conn, request.manufacturer_id, request.release_id)
    if stored is not None:
        retried = retry_release(stored, request)
        return retried if isinstance(retried, IdReused) else Released(retried, replayed=True)
    own = await lots.held_for_update(
        conn, request.manufacturer_id, request.mineral, request.warehouse_id
    )
    others = await draw_rights.others_held_for_update(
        conn, request.manufacturer_id, request.mineral, request.warehouse_id
    )
    rights = DrawRights(
        pool_share=term.pool_share, disrupted=await draw_rights.disrupted(conn, request.mineral)
    )
    judged = judge_draw(
        rights,
        sum((h.quantity for h in own), Decimal(0)),
        sum((h.quantity for h in others), Decimal(0)),
        request.quantity,
    )
    if isinstance(judged, DrawRefused):
        log.info("draw_refused", release_id=request.release_id, reason=judged.reason)
        return judged
    plan = plan_draw(
        own,
        others,
        judged,
        AgreementTerms(
            version=term.version,
            set_price=term.set_price,
            replenish_within_days=term.replenish_within_days,
        ),
        manufacturer=request.manufacturer_id,
        mineral=request.mineral,
        warehouse=request.warehouse_id,
        release_id=request.release_id,
        at=now,
    )
    claimed = await releases.claim(conn, plan.release)
    assert claimed, "the release id was free under its lock"
    await ledger.post(conn, plan.postings)
    await outbox.enqueue(conn, of_draw(plan))
    log.info(
        "draw_performed",
        release_id=plan.release_id,
        manufacturer_id=plan.manufacturer,
        mineral=plan.mineral,
        from_own=str(judged.from_own),
        from_pool=str(judged.from_pool),
        disrupted=rights.disrupted,
    )
    return Released(plan.release, replayed=False)


def of_draw(plan: ReleasePlan) -> list[EventMeta]:
    """The release and its movements, then one replenishment per owner drawn from."""
    performed = events.release_performed(plan)
    replenishments = []
    for owed in owed_back(plan):
        payload = events.replenishment_requested(replace(plan, replenishment=owed.demand))
        payload = payload.model_copy(update={"release_id": owed.release_id})
        replenishments.append(new_event(payload, producer=NAME, cause=performed))
    return [performed, *events.holdings_updates(plan.postings, cause=performed), *replenishments]
