"""Finding 1 of issue 12: the gateway judges a fill's origin before it answers 201.

Before, the gateway never compared a fill's origin with the offer leg's origin, nor
with the origins the leg's phase excludes: it answered 201 and sourcing then
refused the fill (a dead letter), so the trader was told title passed and holdings
never showed it. Now the gateway refuses such a fill, and emits nothing for it.
"""

from __future__ import annotations

import pytest

from tests.integration.trader_gateway.harness import (
    Gateway,
    fill_body,
    trader_headers,
    unique,
)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]


async def _refused_whole(gateway: Gateway, key: str, leg_id: str, order_id: str) -> None:
    assert await gateway.outbox(order_id) == []
    read = await gateway.client.get(f"/v1/legs/{leg_id}", headers=trader_headers(key))
    assert read.json()["filled"]["amount"] == "0"


async def test_a_fill_from_another_origin_than_the_offer_legs_is_refused_and_nothing_emitted(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(
        trader, kind="offer", offer_id=unique("offer"), origin_country="CA", phase="initial_fill"
    )

    answer = await gateway.client.post(
        f"/v1/legs/{routed.leg_id}/fills",
        json=fill_body(origin_country="AU"),
        headers=trader_headers(key, unique("idem")),
    )

    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "origin_mismatch"
    assert answer.json()["field"] == "origin_country"
    await _refused_whole(gateway, key, routed.leg_id, routed.order_id)
    same = await gateway.client.post(
        f"/v1/legs/{routed.leg_id}/fills",
        json=fill_body(origin_country="ca"),
        headers=trader_headers(key, unique("idem")),
    )
    assert same.status_code == 201, same.text


async def test_a_fill_from_an_origin_the_legs_phase_excludes_is_refused_on_a_mandate(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(
        trader, kind="mandate", excluded_origins=("BY", "IR", "KP", "RU"), phase="replenishment"
    )

    answer = await gateway.client.post(
        f"/v1/legs/{routed.leg_id}/fills",
        json=fill_body(origin_country="RU"),
        headers=trader_headers(key, unique("idem")),
    )

    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "origin_excluded"
    await _refused_whole(gateway, key, routed.leg_id, routed.order_id)
