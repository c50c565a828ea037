"""Commands over HTTP pay for what they do, not for how much: statements per use case, counted."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import httpx

from services.inventory.domain import (
    AdjustmentRequest,
    ReleaseRequest,
    TransferRequest,
    Warehouse,
    WarehouseKind,
)
from services.inventory.handlers.adjust_holding import Adjusted, adjust_holding
from services.inventory.handlers.perform_release import Released, perform_release
from services.inventory.handlers.register_warehouse import Registered, register_warehouse
from services.inventory.handlers.transfer_custody import transfer_custody
from shared.db import Connection
from shared.service import Service
from tests.integration.inventory.helpers import (
    Counting,
    book,
    fill_recorded,
    send,
    uid,
)
from tests.integration.inventory.helpers import (
    register_warehouse as register_over_http,
)
from tests.support.waiting import eventually


async def test_a_release_drawing_three_lots_costs_five_statements_and_its_retry_three(
    inventory: Service, api: httpx.AsyncClient, bootstrap: str
) -> None:
    site, maker = uid("wh"), uid("maker")
    await register_over_http(api, site)
    fills = [
        fill_recorded(manufacturer_id=maker, warehouse_id=site, quantity="2", hours=h)
        for h in range(3)
    ]
    await book(api, bootstrap, fills)
    request = ReleaseRequest(
        release_id=uid("rel"), manufacturer_id=maker, mineral="cobalt", quantity=Decimal(5)
    )

    async def release() -> tuple[object, int]:
        async with inventory.transaction() as conn:
            counting = Counting(conn)
            done = await perform_release(
                cast(Connection, counting), request, now=inventory.context.now(), lead_days=60
            )
        return done, counting.statements

    (first, performed), (retry, replayed) = await release(), await release()

    # The locks, the lots held, the release claimed, the ledger, the outbox.
    assert isinstance(first, Released)
    assert len(first.release.draws) == 3
    assert performed == 5
    # The locks, the lots held (too little now to plan again), the release read back.
    assert isinstance(retry, Released)
    assert retry.replayed
    assert replayed == 3


async def test_a_transfer_costs_five_statements_and_an_adjustment_four(
    inventory: Service, api: httpx.AsyncClient, bootstrap: str
) -> None:
    site, depot, maker = uid("wh"), uid("wh-depot"), uid("maker")
    await register_over_http(api, site)
    await register_over_http(api, depot, kind="owned")
    fill = fill_recorded(manufacturer_id=maker, warehouse_id=site, quantity="9")
    await book(api, bootstrap, [fill])
    lot_id = f"lot:{fill.payload.fill_id}"

    async with inventory.transaction() as conn:
        counting = Counting(conn)
        moved = await transfer_custody(
            cast(Connection, counting),
            TransferRequest(
                transfer_id=uid("t"), lot_id=lot_id, to_warehouse_id=depot, quantity=Decimal(4)
            ),
            now=inventory.context.now(),
        )
    transfer_statements = counting.statements
    async with inventory.transaction() as conn:
        counting = Counting(conn)
        adjusted = await adjust_holding(
            cast(Connection, counting),
            AdjustmentRequest(
                adjustment_id=uid("a"),
                lot_id=lot_id,
                quantity=Decimal("-0.5"),
                reason="recount",
                author="ops",
            ),
            now=inventory.context.now(),
        )

    # The locks (finding the lot), the lot under them, the child lot, the ledger, the outbox.
    assert getattr(moved, "split", False) is True
    assert transfer_statements == 5
    # The locks, the lot under them, the ledger, the outbox.
    assert isinstance(adjusted, Adjusted)
    assert adjusted.movement.quantity == Decimal("-0.5")
    assert counting.statements == 4


async def test_registering_a_warehouse_books_its_held_fills_in_the_same_statements_however_many(
    inventory: Service, api: httpx.AsyncClient, bootstrap: str
) -> None:
    site, maker = uid("wh-late"), uid("maker")
    held = [fill_recorded(manufacturer_id=maker, warehouse_id=site) for _ in range(5)]
    await send(bootstrap, held)

    async def all_held() -> bool:
        listed = (await api.get("/v1/held-fills", params={"warehouse": site})).json()
        return len(listed["held_fills"]) == len(held)

    await eventually(all_held)
    warehouse = Warehouse(
        warehouse_id=site,
        name="Late store",
        kind=WarehouseKind.LEASED,
        location="Antwerp, BE",
        operator="trader-a",
    )

    async with inventory.transaction() as conn:
        counting = Counting(conn)
        registered = await register_warehouse(
            cast(Connection, counting), warehouse, inventory.context.mineral_units
        )

    assert isinstance(registered, Registered)
    assert registered.created
    assert len(registered.held_fills) == len(held)
    # The lock, the registration, the held fills, what is known, the lots, the ledger,
    # the outbox, the held fills settled.
    assert counting.statements == 8
