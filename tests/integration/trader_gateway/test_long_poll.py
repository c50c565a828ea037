"""GET /v1/legs?wait=: a trader hears of a new leg as soon as it is stored, not at its next poll."""

from __future__ import annotations

import asyncio
import time

import pytest

from services.trader_gateway import context
from tests.integration.trader_gateway.harness import Gateway, trader_headers


async def test_a_waiting_listing_is_answered_with_the_leg_routed_while_it_waited(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No fallback look within the wait: only the bell can answer it before its end.
    monkeypatch.setattr(context, "FALLBACK_S", 60.0)
    trader, key = await gateway.register_trader()
    listing = asyncio.create_task(
        gateway.client.get("/v1/legs", params={"wait": 5}, headers=trader_headers(key))
    )
    await asyncio.sleep(0.3)
    assert not listing.done()

    routed = await gateway.route_leg(trader)
    stored = time.monotonic()
    answer = await listing

    assert answer.status_code == 200
    assert [item["leg_id"] for item in answer.json()["items"]] == [routed.leg_id]
    assert time.monotonic() - stored < 4.0  # rung, not timed out at 5 s


async def test_a_waiting_listing_with_nothing_for_it_is_answered_empty_at_its_end(
    gateway: Gateway,
) -> None:
    _, key = await gateway.register_trader()
    other, _ = await gateway.register_trader()
    started = time.monotonic()
    listing = asyncio.create_task(
        gateway.client.get("/v1/legs", params={"wait": 1.0}, headers=trader_headers(key))
    )
    await asyncio.sleep(0.2)
    await gateway.route_leg(other)  # another trader's leg rings another bell
    answer = await listing

    assert answer.status_code == 200
    assert answer.json()["items"] == []
    assert time.monotonic() - started >= 1.0


async def test_a_listing_with_legs_is_answered_at_once_and_a_wait_past_the_cap_is_refused(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader)
    started = time.monotonic()
    answer = await gateway.client.get("/v1/legs", params={"wait": 5}, headers=trader_headers(key))
    assert [item["leg_id"] for item in answer.json()["items"]] == [routed.leg_id]
    assert time.monotonic() - started < 4.0

    refused = await gateway.client.get("/v1/legs", params={"wait": 60}, headers=trader_headers(key))
    assert refused.status_code == 422
