"""Publishing, updating and withdrawing offers for the markets a trader is registered for.

Each runs once per Idempotency-Key (``idempotency.once``): a refusal is an answer
too, stored and replayed, so a corrected request needs a new key.
"""

from __future__ import annotations

from datetime import datetime

import structlog

from services.trader_gateway import events
from services.trader_gateway.domain import (
    NOT_REGISTERED,
    OfferChanges,
    OfferProposal,
    OfferRefused,
    TraderRegistration,
    check_publish,
    check_update,
    check_withdraw,
    draft_offer,
)
from services.trader_gateway.repository import idempotency, traders
from services.trader_gateway.repository import offers as repo
from services.trader_gateway.repository.idempotency import Answer, Answered, Claim
from services.trader_gateway.repository.offers import OfferRecord
from shared import outbox
from shared.catalogue import Catalogue
from shared.contracts import Unit
from shared.db import Connection

log = structlog.get_logger(__name__)

OfferOutcome = OfferRecord | OfferRefused


async def publish(
    conn: Connection,
    catalogue: Catalogue,
    trader_id: str,
    offer_id: str,
    proposal: OfferProposal,
    now: datetime,
    claim: Claim,
    answer: Answer[OfferOutcome],
) -> Answered[OfferOutcome]:
    async def act() -> OfferOutcome:
        draft = draft_offer(catalogue, offer_id, proposal)
        if isinstance(draft, OfferRefused):
            return draft
        registration = await _registration(conn, trader_id)
        if registration is None:
            return NOT_REGISTERED
        result = check_publish(draft, registration, now)
        if isinstance(result, OfferRefused):
            return result
        record = await repo.insert(conn, result.offer)
        await outbox.enqueue(conn, [events.offer_published(record.offer)])
        log.info("offer_published", offer_id=offer_id, market=draft.market)
        return record

    return await idempotency.once(conn, claim, answer, act)


async def update(
    conn: Connection,
    trader_id: str,
    offer_id: str,
    changes: OfferChanges,
    units: tuple[Unit, Unit],
    now: datetime,
    claim: Claim,
    answer: Answer[OfferOutcome],
) -> Answered[OfferOutcome]:
    async def act() -> OfferOutcome:
        registration = await _registration(conn, trader_id)
        if registration is None:
            return NOT_REGISTERED
        # Locked so that updates of one offer queue, and their events keep their order.
        current = await repo.get(conn, offer_id, trader_id, for_update=True)
        offer = None if current is None else current.offer
        result = check_update(offer, changes, registration, now, units=units)
        if isinstance(result, OfferRefused):
            return result
        assert current is not None, "check_update accepts only an offer it was given"
        if not result.changed:
            return current
        record = await repo.update(conn, result.offer)
        await outbox.enqueue(conn, [events.offer_published(record.offer)])
        log.info("offer_updated", offer_id=offer_id)
        return record

    return await idempotency.once(conn, claim, answer, act)


async def withdraw(
    conn: Connection,
    trader_id: str,
    offer_id: str,
    now: datetime,
    claim: Claim,
    answer: Answer[OfferOutcome],
) -> Answered[OfferOutcome]:
    async def act() -> OfferOutcome:
        current = await repo.get(conn, offer_id, trader_id, for_update=True)
        result = check_withdraw(None if current is None else current.offer, trader_id, now)
        if isinstance(result, OfferRefused):
            return result
        record = await repo.update(conn, result.offer)
        await outbox.enqueue(conn, [events.offer_withdrawn(record.offer)])
        log.info("offer_withdrawn", offer_id=offer_id)
        return record

    return await idempotency.once(conn, claim, answer, act)


async def _registration(conn: Connection, trader_id: str) -> TraderRegistration | None:
    trader = await traders.get(conn, trader_id)
    return None if trader is None else trader.registration
