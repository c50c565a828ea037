"""Debian's Chromium, driven by Playwright for Python: never a browser Playwright downloads.

A missing ``/usr/bin/chromium`` fails the test (``scripts/bootstrap`` installs it): a
browser test that cannot run is a failure, in CI or out of it, never a skip.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Headless as root on a machine with no network but loopback: without the
# background-networking flags Chromium keeps trying (and failing) to reach Google.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}  # a laptop screen


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[BrowserContext]:
    """A fresh headless Chromium with a profile of its own, closed afterwards."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: scripts/bootstrap installs Debian's chromium", pytrace=False
        )
    with tempfile.TemporaryDirectory(prefix="vault-chromium-") as profile:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=list(FLAGS),
                viewport={"width": VIEWPORT["width"], "height": VIEWPORT["height"]},
            )
            try:
                yield context
            finally:
                await context.close()


async def screenshot(page: Page, name: str) -> Path:
    """The whole page as ``build/screenshots/<name>.png`` (a test artefact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
