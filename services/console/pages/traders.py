"""How each trading house performs: open legs, fill rate, declines, expiries, time to fill."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.console.domain import shares
from services.console.pages import charts
from services.console.pages.render import Ctx, page
from services.console.views import sources
from services.console.views.sources import Unavailable

router = APIRouter(tags=["pages"])

OUTCOMES = ("open", "filled", "declined", "expired", "cancelled")


@router.get("/traders", response_class=HTMLResponse)
async def traders_page(request: Request, ctx: Ctx) -> HTMLResponse:
    errors: list[str] = []
    try:
        records = shares.traders(await sources.performance(ctx))
    except Unavailable as exc:
        records, errors = [], [str(exc)]
    names = [r.trader_id for r in records]
    legs = shares.Bars(
        labels=names,
        series={
            "open": [r.open_legs for r in records],
            "filled": [r.filled_legs for r in records],
            "declined": [r.declined_legs for r in records],
            "expired": [r.expired_legs for r in records],
            "cancelled": [r.cancelled_legs for r in records],
        },
    )
    return page(
        request,
        ctx,
        "traders.html",
        "traders",
        records=records,
        legs_chart=charts.bars(legs, "Legs by outcome"),
        rate_chart=charts.single(
            {r.trader_id: 100 * r.fill_rate for r in records if r.fill_rate is not None},
            "Fill rate: legs filled in full of those finished (%)",
            series="fill rate",
            unit="%",
        ),
        time_chart=charts.single(
            {
                r.trader_id: r.median_time_to_fill_s
                for r in records
                if r.median_time_to_fill_s is not None
            },
            "Median time from routing to first fill (s)",
            series="time to fill",
            unit=" s",
        ),
        errors=errors,
    )
