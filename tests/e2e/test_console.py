"""The ops console in a real headless Chromium, against the running system after the demo.

Each page must render with the scenario's data, and leaves a screenshot in
``build/screenshots/``. The console's own process is the one ``vault run`` starts.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from playwright.async_api import BrowserContext, Page, expect

from shared import topics
from shared.publisher import Publisher, Record
from tests.e2e.conftest import System, issue_key, sign_in_to_console, urls_of
from tests.support.browser import chromium, screenshot
from vault.infra.acls import OPS
from vault.scenario.actors import eventually
from vault.scenario.demo import Demo, DemoResult

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 20_000
COBALT = "volta-co-001"  # domestic at a premium, 80% filled, the rest cascaded to allied


@pytest.fixture(scope="module")
async def reader_key(system: System) -> str:
    """An operator's own read-only key, as a program admin issues it."""
    async with httpx.AsyncClient(timeout=20) as http:
        key = await issue_key(
            http, urls_of(system), "ops", f"night-shift-{uuid.uuid4().hex[:6]}", "ops_read"
        )
        await sign_in_to_console(http, system, key)  # once access knows it
    return key


async def sign_in(page: Page, system: System, key: str) -> None:
    await page.goto(system.url("console") + "/sign-in")
    await page.fill("input[name=api_key]", key)
    await page.click("form.sign-in button[type=submit]")
    await expect(page.locator("[data-who]")).to_be_visible()


@pytest.fixture(scope="module")
async def browser(system: System, reader_key: str) -> AsyncIterator[BrowserContext]:
    """Chromium, signed in to the console as the read-only operator (its cookie kept)."""
    async with chromium() as context:
        context.set_default_timeout(TIMEOUT_MS)
        page = await context.new_page()
        # A stranger is sent to the sign-in form, whichever page was asked for.
        await page.goto(system.url("console") + "/stockpile")
        await expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fstockpile$"))
        await page.fill("input[name=api_key]", "vlt_not_a_key_of_anyones")
        await page.click("form.sign-in button[type=submit]")
        await expect(page.locator("[role=alert]")).to_contain_text("was not accepted")
        await page.fill("input[name=api_key]", reader_key)
        await page.click("form.sign-in button[type=submit]")
        await expect(page).to_have_url(re.compile(r"/stockpile$"))
        await expect(page.locator("[data-who]")).to_contain_text("ops_read")
        await page.close()
        yield context


@pytest.fixture(scope="module")
async def poison(system: System) -> str:
    """A message no consumer can read, sent to the intake: demand dead-letters it."""
    marker = f"not-json-{uuid.uuid4().hex[:8]}"
    publisher = Publisher(
        system.endpoints.bootstrap_servers,
        client_id="console-test",
        security=system.endpoints.kafka_security(OPS),
    )
    try:
        await publisher.publish(
            [Record(topics.DEMAND_INTAKE, marker.encode(), marker.encode(), [])]
        )
    finally:
        await publisher.close()
    return marker


async def _open(browser: BrowserContext, url: str) -> Page:
    page = await browser.new_page()
    await page.goto(url)
    return page


async def test_pipeline_shows_every_service_ready_and_the_hops_moving(
    system: System, demo: tuple[Demo, DemoResult], browser: BrowserContext
) -> None:
    page = await _open(browser, system.url("console") + "/pipeline")
    tiles = page.locator(".tile")
    # The page refreshes itself: wait for the panel to show all four ready.
    await expect(page.locator(".tile.ok")).to_have_count(4, timeout=TIMEOUT_MS)
    for service in ("demand", "sourcing", "trader_gateway", "inventory"):
        await expect(tiles.filter(has_text=service)).to_contain_text("ready")
    hops = page.locator("[data-panel=hops]")
    for topic in (topics.PROCUREMENT_REQUESTED, topics.SOURCING_LEGS, topics.TRADER_LEGS):
        await expect(hops).to_contain_text(topic)
    await expect(page.locator("[data-panel=consumed] svg")).to_have_count(1)
    # All caught up after the scenario: the lag panel says so instead of drawing zeros.
    await expect(page.locator("[data-panel=lag]")).to_contain_text(
        re.compile("No consumer is behind|inventory")
    )
    await screenshot(page, "pipeline")


async def test_the_order_just_placed_is_found_and_its_timeline_shows_every_hop(
    system: System, demo: tuple[Demo, DemoResult], browser: BrowserContext
) -> None:
    _, result = demo
    order_id = result.orders[COBALT]
    page = await _open(browser, system.url("console") + "/orders")
    await page.fill("input[name=manufacturer_id]", "volta-motors")
    await page.fill("input[name=mineral]", "cobalt")
    await page.click("form.search button[type=submit]")
    found = page.locator("[data-panel=found]")
    link = found.locator(f'a[href="/orders/{order_id}"]')
    await expect(link).to_be_visible()
    await expect(page.locator("[data-panel=ages]")).to_contain_text("Open orders by age")
    await screenshot(page, "orders")

    await page.fill("input[name=order_id]", order_id[:12])  # a prefix finds it too
    await page.fill("input[name=manufacturer_id]", "")
    await page.fill("input[name=mineral]", "")
    await page.click("form.search button[type=submit]")
    await expect(link).to_be_visible()
    await link.click()
    await page.wait_for_url(f"**/orders/{order_id}")
    for hop in ("demand", "sourcing", "trader_gateway", "inventory"):
        await expect(page.locator(f".hop.seen:text-is('{hop}')")).to_have_count(1)
    timeline = page.locator("[data-panel=timeline]")
    for what in (
        "demand received",
        "accepted",
        "order opened",
        "leg routed",
        "leg reached trader",
        "fill confirmed",
        "leg declined",
        "fill recorded",
        "received into stock",
    ):
        await expect(timeline).to_contain_text(what)
    await expect(page.locator("[data-panel=progress] svg")).to_contain_text("received")
    await screenshot(page, "order-timeline")


async def test_the_stockpile_charts_include_the_lot_just_booked(
    system: System, demo: tuple[Demo, DemoResult], browser: BrowserContext
) -> None:
    _, result = demo
    # The last fill of the scenario: a lot inventory booked for its order's manufacturer.
    fill = result.fills[-1]
    owner = result.stories[fill.order_id]["manufacturer_id"]
    page = await _open(browser, system.url("console") + "/stockpile")
    # Drawn text (axis labels, legends), not the tooltips' hidden descriptions.
    drawn = page.locator("[data-panel=owner] svg text")
    await expect(drawn.filter(has_text=re.compile(rf"^{fill.mineral} \("))).to_have_count(1)
    await expect(drawn.filter(has_text=re.compile(rf"^{owner}$"))).to_have_count(1)
    tiers = page.locator("[data-panel=tier] svg text")
    await expect(tiers.filter(has_text=re.compile("^domestic$"))).to_have_count(1)
    kinds = page.locator("[data-panel=warehouse_kind] svg text")
    await expect(kinds.filter(has_text=re.compile(rf"^{fill.mineral} \("))).to_have_count(1)
    await expect(page.locator("[data-panel=totals]")).to_contain_text(fill.mineral)
    await screenshot(page, "stockpile")


async def test_the_waterfall_shows_tier_shares_and_the_premium_paid_for_domestic_cobalt(
    system: System, demo: tuple[Demo, DemoResult], browser: BrowserContext
) -> None:
    page = await _open(browser, system.url("console") + "/waterfall")
    await expect(page.locator("[data-panel=shares] svg")).to_contain_text("cobalt")
    premium = page.locator("[data-panel=premium-fills]")
    # 20 t filled at 36,000 against the best allied offer at 30,000: 120,000 USD.
    await expect(premium).to_contain_text("cobalt")
    await expect(premium).to_contain_text("northstar-us")
    await expect(premium).to_contain_text(f"{Decimal(120000):,f} USD")
    await screenshot(page, "waterfall")


async def test_traders_show_outcomes_fill_rate_and_time_to_fill(
    system: System, demo: tuple[Demo, DemoResult], browser: BrowserContext
) -> None:
    page = await _open(browser, system.url("console") + "/traders")
    table = page.locator("[data-panel=table]")
    for trader in ("northstar-us", "austral-au", "orient-cn"):
        await expect(table).to_contain_text(trader)
    await expect(page.locator("[data-panel=legs] svg")).to_contain_text("declined")
    await expect(page.locator("[data-panel=rate] svg")).to_contain_text("northstar-us")
    await screenshot(page, "traders")


async def test_dead_letters_are_listed_and_only_a_program_admin_replays_one(
    system: System, poison: str, browser: BrowserContext
) -> None:
    page = await _open(browser, system.url("console") + "/dead-letters")
    letters = page.locator("[data-panel=letters]")
    # The listing is cached for a refresh period; the page re-reads itself.
    await expect(letters).to_contain_text("malformed", timeout=TIMEOUT_MS)
    await expect(letters).to_contain_text(topics.DEMAND_INTAKE)
    replay = letters.locator("button.replay").first
    await expect(replay).to_be_disabled()
    await expect(replay).to_have_attribute("title", re.compile("needs the program-admin role"))
    await screenshot(page, "dead-letters")

    # Signed out, then in as a program admin: the replay is a form, and it is done.
    await page.click("form.who button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/sign-in$"))
    await sign_in(page, system, system.admin_token)
    await page.goto(system.url("console") + "/dead-letters")
    intake = page.locator(f"h2:has(code:text-is('{topics.DEMAND_INTAKE}'))")
    before = int(await intake.locator(".count").inner_text())
    row = page.locator(f"h2:has(code:text-is('{topics.DEMAND_INTAKE}')) + table tbody tr")
    row = row.filter(has_text="malformed").first
    await row.locator("form.replay button").click()
    await expect(page.locator("[data-replayed]")).to_contain_text(topics.DEMAND_INTAKE)
    # The original went back to the intake; demand dead-letters it again (it is not JSON).

    async def one_more() -> bool:
        await page.goto(system.url("console") + "/dead-letters")
        return int(await intake.locator(".count").inner_text()) == before + 1

    await eventually(one_more, "the replayed letter to be dead-lettered again", 30)
    async with httpx.AsyncClient(timeout=20) as http:
        me = await http.get(
            system.url("access") + "/v1/me",
            headers={"Authorization": f"Bearer {system.admin_token}"},
        )
    replays = [
        json.loads(line)
        for line in system.logs("console").splitlines()
        if '"dead_letter_replayed"' in line
    ]
    assert [(r["principal"], r["topic"]) for r in replays] == [
        (me.json()["principal"], topics.DEMAND_INTAKE)
    ]
