"""What the stockpile holds: per mineral, by tier, warehouse kind, origin country, owner."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.console.domain import shares
from services.console.pages import charts
from services.console.pages.render import Ctx, page
from services.console.views import sources
from services.console.views.sources import Unavailable

router = APIRouter(tags=["pages"])

DIMENSIONS = (
    ("tier", "By origin tier", shares.TIERS),
    ("warehouse_kind", "By warehouse kind", ("owned", "leased", "third_party")),
    ("origin_country", "By origin country", ()),
    ("owner", "By owner (the manufacturer whose demand paid)", ()),
)


@router.get("/stockpile", response_class=HTMLResponse)
async def stockpile_page(request: Request, ctx: Ctx) -> HTMLResponse:
    errors: list[str] = []
    try:
        rows = await sources.holdings(ctx)
    except Unavailable as exc:
        rows, errors = [], [str(exc)]
    # Shares within each mineral, its total in its label: 800 kg of neodymium and 25 t
    # of cobalt on one axis would hide the cobalt.
    panels = [
        (
            group,
            title,
            charts.bars(
                shares.shares(shares.by_mineral(rows, group, order=order, totals=True)),
                f"{title}, share of each mineral",
                percent=True,
                empty="Nothing is held yet.",
            ),
        )
        for group, title, order in DIMENSIONS
    ]
    return page(
        request,
        ctx,
        "stockpile.html",
        "stockpile",
        panels=panels,
        totals=shares.by_mineral(rows, "tier").totals(),
        lots=sum(int(r.get("lots", 0)) for r in rows),
        errors=errors,
    )
