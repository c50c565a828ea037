"""Reads from the services' HTTP APIs. A service away or answering an error raises
``Unavailable`` with what to show, so a page says which source is missing and why."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any

import httpx

from services.console.context import Console


class Unavailable(Exception):
    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"{service}: {detail}")
        self.service = service
        self.detail = detail


async def get_json(
    ctx: Console,
    service: str,
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    admin: bool = False,
    missing_ok: bool = False,
    bearer: str | None = None,
) -> Any:
    """GET ``path`` of ``service`` with the console's own ``ops_read`` key (or ``bearer``);
    None for a 404 when ``missing_ok``. (``admin`` is kept for the callers: every read now
    needs the key.)"""
    token = bearer or ctx.settings.api_key.get_secret_value()
    if not token:
        raise Unavailable(service, "needs the console's API key (VAULT_CONSOLE_API_KEY)")
    headers = {"Authorization": f"Bearer {token}"}
    query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    try:
        answer = await ctx.http.get(ctx.settings.url(service) + path, params=query, headers=headers)
    except httpx.HTTPError as exc:
        raise Unavailable(service, f"unreachable ({type(exc).__name__})") from exc
    if answer.status_code == 404 and missing_ok:
        return None
    if answer.status_code >= 400:
        try:
            detail = str(answer.json().get("detail", answer.reason_phrase))
        except ValueError:
            detail = answer.reason_phrase
        raise Unavailable(service, f"{answer.status_code} {detail}")
    return answer.json()


def _segment(text: str) -> str:
    """One path segment, whatever the text: a page's id never reaches another path of a
    service, and a control character in it is not a 500 (httpx refuses it in a URL)."""
    return urllib.parse.quote(text, safe="")


async def order(ctx: Console, order_id: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = await get_json(
        ctx, "sourcing", f"/v1/orders/{_segment(order_id)}", missing_ok=True
    )
    return found


async def fills_recorded(ctx: Console, order_id: str) -> dict[str, str]:
    """fill id -> when sourcing recorded it."""
    found = await get_json(ctx, "sourcing", f"/v1/ops/orders/{_segment(order_id)}/fills")
    return {f["fill_id"]: f["recorded_at"] for f in found["fills"]}


async def search_orders(ctx: Console, **filters: Any) -> list[dict[str, Any]]:
    found = await get_json(ctx, "sourcing", "/v1/ops/orders", filters)
    items: list[dict[str, Any]] = found["items"]
    return items


async def waterfall(ctx: Console) -> dict[str, Any]:
    found: dict[str, Any] = await get_json(ctx, "sourcing", "/v1/ops/waterfall")
    return found


async def demand(ctx: Console, manufacturer_id: str, request_id: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = await get_json(
        ctx,
        "demand",
        f"/v1/demands/{_segment(manufacturer_id)}/{_segment(request_id)}",
        missing_ok=True,
    )
    return found


async def gateway_legs(ctx: Console, order_id: str) -> list[dict[str, Any]]:
    found = await get_json(
        ctx, "trader_gateway", f"/v1/admin/orders/{_segment(order_id)}/legs", admin=True
    )
    legs: list[dict[str, Any]] = found["legs"]
    return legs


async def performance(ctx: Console) -> list[dict[str, Any]]:
    found = await get_json(ctx, "trader_gateway", "/v1/admin/performance", admin=True)
    rows: list[dict[str, Any]] = found["traders"]
    return rows


async def receipts(ctx: Console, order_id: str) -> dict[str, Any]:
    found: dict[str, Any] = await get_json(
        ctx, "inventory", f"/v1/orders/{_segment(order_id)}/receipts"
    )
    return found


async def holdings(ctx: Console) -> list[dict[str, Any]]:
    found = await get_json(
        ctx,
        "inventory",
        "/v1/holdings",
        {"group_by": "tier,warehouse_kind,origin_country,owner"},
    )
    rows: list[dict[str, Any]] = found["holdings"]
    return rows
