"""Room a closing frees under an annual ceiling goes to the orders waiting on it.

An order past its delivery day gives its leg back and expires: what the leg left undone
no longer counts as committed, and the order that waited because the ceiling had no
room for it is placed, as a raised ceiling would place it, without waiting for some
unrelated offer or phase change to retry it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from services.sourcing.handlers import (
    book_offers,
    close_legs,
    expire_overdue,
    place_requests,
    register_trader,
    set_ceiling,
)
from shared.contracts import AnnualCeilingSet, LegRouted
from tests.integration.sourcing.batch_support import Isolated, event, payloads, placed
from tests.integration.sourcing.builders import Scene
from tests.integration.sourcing.harness import unique

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

FLUORSPAR = Scene("fluorspar", alone=True)


async def test_an_order_waiting_on_the_ceiling_takes_the_room_an_expired_order_gave_back(
    isolated: Isolated,
) -> None:
    now = datetime.now(UTC)
    later = now + timedelta(days=3)
    for year in sorted({now.year, later.year}):  # the sweep's clock may be in the next year
        ceiling = AnnualCeilingSet(
            mineral=FLUORSPAR.mineral,
            year=year,
            ceiling_usd=Decimal(15000),
            set_by="admin-test",
            set_at=now,
        )
        await isolated.apply_each(set_ceiling.ceiling_set, event(ceiling))
    house = unique("house")
    await isolated.apply_each(register_trader.trader_registered, event(FLUORSPAR.trader(house)))
    offer = FLUORSPAR.offer(f"{house}-o", house, quantity="1000", available_in_days=0)
    await isolated.apply_each(book_offers.published, event(offer))  # at 100 USD/t

    # 100 t due tomorrow: 10,000 of the 15,000 committed.
    due, waiting = unique("order"), unique("order")
    await isolated.apply(
        place_requests.requested, event(FLUORSPAR.procurement(due, deliver_in_days=1))
    )
    (leg,) = payloads(await isolated.outbox(due), LegRouted)
    # Another 100 t would make 20,000: it waits on the ceiling.
    await isolated.apply(
        place_requests.requested, event(FLUORSPAR.procurement(waiting, deliver_in_days=30))
    )
    before = await placed(isolated, waiting)
    assert before["status"] == "waiting"
    assert before["open_reason"].startswith("annual_ceiling: fluorspar")

    # Three days on: the first order is past due, asks its leg back, and the gateway's
    # closing (cancelled, nothing filled) ends the leg and the order.
    at = isolated.at(later)
    await expire_overdue.sweep(at)
    closing = FLUORSPAR.closing(leg, "cancelled", detail="deliver_by passed")
    async with isolated.transaction() as conn:
        await close_legs.closed(conn, [event(closing)], ctx=at)
    assert (await placed(isolated, due))["status"] == "expired"

    after = await placed(isolated, waiting)
    assert (after["status"], after["open_quantity"], after["legs"]) == ("routed", 0, [100])
    trigger = await isolated.pool.fetchval(
        "SELECT trigger FROM decisions WHERE order_id = $1 ORDER BY number DESC LIMIT 1", waiting
    )
    assert trigger == "room_freed"
