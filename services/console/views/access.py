"""Whose key an operator signed in with: access's ``GET /v1/me``, asked with that key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import httpx

from services.console.context import Console

Answer = Literal["known", "refused", "throttled", "unavailable"]


@dataclass(frozen=True, slots=True)
class KeyHolder:
    answer: Answer
    principal: str = ""
    role: str = ""
    detail: str = ""


async def holder_of(ctx: Console, key: str) -> KeyHolder:
    """``known`` with the principal and role; ``refused`` for a key access does not accept;
    ``throttled`` after too many failures; ``unavailable`` when access cannot say."""
    if not key or any(c.isspace() for c in key) or not key.isascii() or len(key) > 512:
        return KeyHolder("refused")
    try:
        answer = await ctx.http.get(
            ctx.settings.url("access") + "/v1/me", headers={"Authorization": f"Bearer {key}"}
        )
    except httpx.HTTPError as exc:
        return KeyHolder("unavailable", detail=f"access unreachable ({type(exc).__name__})")
    if answer.status_code == 200:
        body = answer.json()
        return KeyHolder("known", str(body["principal"]), str(body["role"]))
    if answer.status_code == 401:
        return KeyHolder("refused")
    if answer.status_code == 429:
        return KeyHolder("throttled", detail=answer.headers.get("Retry-After", "5"))
    return KeyHolder("unavailable", detail=f"access answered {answer.status_code}")
