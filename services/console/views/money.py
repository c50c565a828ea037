"""Treasury's reports for the money page (issue 17): spend against funding and premiums;
and the gateway's fills held for a price approval.

Treasury's routes require a caller: the console reads them with an ops key of its own
(``VAULT_CONSOLE_API_KEY``, issued by access); without one the page says so."""

from __future__ import annotations

from typing import Any

from services.console.context import Console
from services.console.views.sources import Unavailable, get_json

SERVICE = "treasury"


def _key(ctx: Console) -> str:
    key = ctx.settings.api_key.get_secret_value()
    if not key:
        raise Unavailable(SERVICE, "needs an ops key (VAULT_CONSOLE_API_KEY)")
    return key


async def spend(ctx: Console) -> dict[str, Any]:
    found: dict[str, Any] = await get_json(ctx, SERVICE, "/v1/spend", bearer=_key(ctx))
    return found


async def premiums(ctx: Console, group_by: str) -> dict[str, Any]:
    found: dict[str, Any] = await get_json(
        ctx, SERVICE, "/v1/premiums", {"group_by": group_by}, bearer=_key(ctx)
    )
    return found


async def held_fills(ctx: Console) -> list[dict[str, Any]]:
    """Fills the gateway holds because their price is beyond the tolerance (first page)."""
    found: dict[str, Any] = await get_json(
        ctx,
        "trader_gateway",
        "/v1/admin/pending-fills",
        {"status": "pending_approval", "limit": 50},
        bearer=_key(ctx),
    )
    items: list[dict[str, Any]] = found["items"]
    return items
