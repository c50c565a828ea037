"""Money (issue 17): spend against funding and ceilings, and the premiums paid, from treasury."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.console.domain.shares import Bars
from services.console.pages import charts
from services.console.pages.render import Ctx, page
from services.console.views import money
from services.console.views.sources import Unavailable

router = APIRouter(tags=["pages"])

EMPTY_SPEND: dict[str, Any] = {"items": [], "funding": None}


def spend_bars(items: list[dict[str, Any]]) -> Bars:
    """Per mineral and year: spent, committed and the headroom left under its ceiling."""
    labels = [f"{i['mineral']} {i['year']}" for i in items]
    series: dict[str, list[float]] = {"spent": [], "committed": [], "headroom": []}
    for i in items:
        series["spent"].append(float(Decimal(i["spent_usd"])))
        series["committed"].append(float(Decimal(i["committed_usd"])))
        series["headroom"].append(float(Decimal(i["headroom_usd"] or 0)))
    return Bars(labels, series)


@router.get("/money", response_class=HTMLResponse)
async def money_page(request: Request, ctx: Ctx) -> HTMLResponse:
    errors: list[str] = []
    try:
        spend = await money.spend(ctx)
        by_mineral = (await money.premiums(ctx, "mineral"))["items"]
        by_trader = (await money.premiums(ctx, "trader"))["items"]
    except Unavailable as exc:
        spend, by_mineral, by_trader, errors = EMPTY_SPEND, [], [], [str(exc)]
    try:
        held = await money.held_fills(ctx)
    except Unavailable as exc:
        held, errors = [], [*errors, str(exc)]
    return page(
        request,
        ctx,
        "money.html",
        "money",
        funding=spend["funding"],
        spend_rows=spend["items"],
        spend_chart=charts.bars(
            spend_bars(spend["items"]), "Spent, committed and headroom (USD)", unit=" USD"
        ),
        premium_chart=charts.single(
            {g["group"]: float(Decimal(g["premium_over_allied_usd"])) for g in by_mineral},
            "Premium paid over the allied route (USD)",
            series="premium",
            unit=" USD",
        ),
        by_trader=by_trader,
        held=held,
        errors=errors,
    )
