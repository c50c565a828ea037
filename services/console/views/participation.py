"""Issue 16: participation's coverage, read with the console's own API key."""

from __future__ import annotations

from typing import Any

import httpx

from services.console.context import Console
from services.console.views.sources import Unavailable


async def coverage(ctx: Console) -> dict[str, Any]:
    return await _get(ctx, "/v1/coverage", {})


async def overdue_obligations(ctx: Console) -> list[dict[str, Any]]:
    found = await _get(ctx, "/v1/obligations", {"status": "overdue"})
    items: list[dict[str, Any]] = found["items"]
    return items


async def _get(ctx: Console, path: str, params: dict[str, str]) -> dict[str, Any]:
    key = ctx.settings.api_key.get_secret_value()
    if not key:
        raise Unavailable("participation", "needs an ops API key (VAULT_CONSOLE_API_KEY)")
    url = ctx.settings.url("participation") + path
    try:
        answer = await ctx.http.get(url, params=params, headers={"Authorization": f"Bearer {key}"})
    except httpx.HTTPError as exc:
        raise Unavailable("participation", f"unreachable ({type(exc).__name__})") from exc
    if answer.status_code >= 400:
        raise Unavailable("participation", f"{answer.status_code} {answer.reason_phrase}")
    found: dict[str, Any] = answer.json()
    return found
