"""How the waterfall buys: each tier's share per mineral, the premium paid over the best
allied offer (from sourcing's decision records), and the fills that paid it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.console.domain import shares
from services.console.pages import charts
from services.console.pages.render import Ctx, page
from services.console.views import sources
from services.console.views.sources import Unavailable

router = APIRouter(tags=["pages"])


@router.get("/waterfall", response_class=HTMLResponse)
async def waterfall_page(request: Request, ctx: Ctx) -> HTMLResponse:
    errors: list[str] = []
    try:
        found = await sources.waterfall(ctx)
    except Unavailable as exc:
        found, errors = {"by_tier": [], "premium_fills": []}, [str(exc)]
    rows = found["by_tier"]
    quantity = shares.by_mineral(rows, "tier", order=shares.TIERS)
    premium = shares.premium_by_mineral(rows)
    return page(
        request,
        ctx,
        "waterfall.html",
        "waterfall",
        share_chart=charts.bars(
            shares.shares(quantity), "Share of quantity filled, by tier", percent=True
        ),
        spent_chart=charts.bars(
            shares.by_mineral(rows, "tier", amount="spent_usd", order=shares.TIERS),
            "US dollars paid, by tier",
            unit=" USD",
        ),
        premium_chart=charts.single(
            {m: float(p) for m, p in premium.items()},
            "Premium paid over the best allied offer (USD)",
            series="premium",
            unit=" USD",
        ),
        premium_total=sum(premium.values()),
        premium_fills=found["premium_fills"],
        errors=errors,
    )
