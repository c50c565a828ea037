"""Publishing, updating and withdrawing offers for the markets a trader is registered for."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import structlog

from services.trader_gateway import events
from services.trader_gateway.domain import (
    OfferChanges,
    OfferDraft,
    OfferRefused,
    RefusalCode,
    TraderRegistration,
    Unit,
    check_publish,
    check_update,
    check_withdraw,
)
from services.trader_gateway.repository import offers as repo
from services.trader_gateway.repository import traders
from services.trader_gateway.repository.offers import OfferRecord
from shared.catalogue import Catalogue
from shared.db import Connection

log = structlog.get_logger(__name__)

_NO_TRADER = OfferRefused(RefusalCode.FORBIDDEN, "this trader is not registered")


def draft_offer(
    catalogue: Catalogue,
    *,
    offer_id: str,
    mineral: str,
    origin_country: str,
    quantity: tuple[Decimal, Unit],
    unit_price: tuple[Decimal, Unit],
    warehouse_id: str,
    available_on: date,
    valid_until: datetime,
) -> OfferDraft | OfferRefused:
    """An offer on a catalogue mineral, placed in its market and quoted in its unit."""
    entry = catalogue.get(mineral)
    if entry is None:
        return OfferRefused(RefusalCode.VALIDATION, f"unknown mineral {mineral!r}", "mineral")
    unit = Unit(entry.unit.value)
    refusal = _unit_refusal(unit, quantity[1], unit_price[1])
    if refusal is not None:
        return refusal
    return OfferDraft(
        offer_id=offer_id,
        mineral=entry.id,
        market=entry.market,
        origin_country=origin_country,
        unit=unit,
        quantity=quantity[0],
        unit_price=unit_price[0],
        warehouse_id=warehouse_id,
        valid_until=valid_until,
        available_on=available_on,
    )


async def publish(
    conn: Connection, trader_id: str, draft: OfferDraft, now: datetime
) -> OfferRecord | OfferRefused:
    registration = await _registration(conn, trader_id)
    if registration is None:
        return _NO_TRADER
    result = check_publish(draft, registration, now)
    if isinstance(result, OfferRefused):
        return result
    record = await repo.insert(conn, result.offer)
    await events.enqueue(conn, [events.offer_published(record.offer)])
    log.info("offer_published", offer_id=draft.offer_id, market=draft.market)
    return record


async def update(
    conn: Connection,
    trader_id: str,
    offer_id: str,
    changes: OfferChanges,
    units: tuple[Unit, Unit],
    now: datetime,
) -> OfferRecord | OfferRefused:
    registration = await _registration(conn, trader_id)
    if registration is None:
        return _NO_TRADER
    # Locked so that updates of one offer queue, and their events keep their order.
    current = await repo.get(conn, offer_id, trader_id, for_update=True)
    result = check_update(current.offer if current else None, changes, registration, now)
    if isinstance(result, OfferRefused):
        return result
    assert current is not None, "check_update accepts only an offer it was given"
    refusal = _unit_refusal(current.offer.unit, *units)
    if refusal is not None:
        return refusal
    if result.offer == current.offer:
        return current  # the same terms again: nothing new to tell sourcing
    record = await repo.update(conn, result.offer)
    await events.enqueue(conn, [events.offer_published(record.offer)])
    log.info("offer_updated", offer_id=offer_id)
    return record


async def withdraw(
    conn: Connection, trader_id: str, offer_id: str, now: datetime
) -> OfferRecord | OfferRefused:
    current = await repo.get(conn, offer_id, trader_id, for_update=True)
    result = check_withdraw(current.offer if current else None, trader_id, now)
    if isinstance(result, OfferRefused):
        return result
    record = await repo.update(conn, result.offer)
    await events.enqueue(conn, [events.offer_withdrawn(record.offer)])
    log.info("offer_withdrawn", offer_id=offer_id)
    return record


def _unit_refusal(unit: Unit, quantity_unit: Unit, price_per: Unit) -> OfferRefused | None:
    for name, given in (("quantity.unit", quantity_unit), ("unit_price.per", price_per)):
        if given is not unit:
            return OfferRefused(
                RefusalCode.UNIT_MISMATCH,
                f"this mineral is quoted in {unit}; {name} must be {unit}",
                name,
                (("unit", unit.value),),
            )
    return None


async def _registration(conn: Connection, trader_id: str) -> TraderRegistration | None:
    trader = await traders.get(conn, trader_id)
    if trader is None or not trader.active:
        return None
    return TraderRegistration(trader_id, frozenset(trader.markets))
