"""Which orders are stuck and why; find an order; an order's story across the services."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from services.console.context import Console
from services.console.domain import timeline
from services.console.domain.shares import Bars
from services.console.pages import charts
from services.console.pages.render import Ctx, page
from services.console.views import sources
from services.console.views.sources import Unavailable

router = APIRouter(tags=["pages"])

STATUSES = ("routed", "partly_filled", "filled", "waiting", "expired")
AGE_BUCKETS = ("under_1h", "1h_to_1d", "1d_to_7d", "over_7d")
Text = Annotated[str, Query(max_length=200)]


@router.get("/orders", response_class=HTMLResponse)
async def orders_page(
    request: Request,
    ctx: Ctx,
    order_id: Text = "",
    manufacturer_id: Text = "",
    mineral: Text = "",
    status: Text = "",
) -> Response:
    search = {
        "order_id": order_id.strip(),
        "manufacturer_id": manufacturer_id.strip(),
        "mineral": mineral.strip().lower(),
        "status": status if status in STATUSES else "",
    }
    errors: list[str] = []
    try:
        found, stuck = await asyncio.gather(
            sources.search_orders(ctx, limit=100, **search),
            sources.search_orders(ctx, status="waiting", oldest_first=True, limit=20),
        )
    except Unavailable as exc:
        found, stuck, errors = [], [], [str(exc)]
    exact = [o for o in found if o["order_id"] == search["order_id"]]
    if (
        search["order_id"]
        and len(exact) == 1
        and not any(search[k] for k in ("manufacturer_id", "mineral", "status"))
    ):
        return RedirectResponse(f"/orders/{exact[0]['order_id']}", status_code=303)
    return page(
        request,
        ctx,
        "orders.html",
        "orders",
        search=search,
        statuses=STATUSES,
        found=found,
        stuck=stuck,
        errors=errors,
        age_chart=_age_chart(ctx),
    )


def _age_chart(ctx: Console) -> Markup | None:
    """Open orders by status and age, from sourcing's gauges (as the dashboards show them)."""
    latest = ctx.latest()
    reading = latest.readings.get("sourcing") if latest else None
    if reading is None or not reading.up:
        return None
    counts = {
        (labels["status"], labels["age"]): value
        for labels, value in reading.select("vault_sourcing_open_orders_by_age")
    }
    statuses = sorted({s for s, _ in counts}, key=STATUSES.index)
    return charts.bars(
        Bars(
            labels=list(AGE_BUCKETS),
            series={s: [counts.get((s, a), 0.0) for a in AGE_BUCKETS] for s in statuses},
        ),
        "Open orders by age since requested",
        horizontal=False,
        empty="No order is open: each one is filled or expired.",
    )


@router.get("/orders/{order_id}", response_class=HTMLResponse)
async def order_page(request: Request, order_id: str, ctx: Ctx) -> HTMLResponse:
    errors: list[str] = []
    try:
        order = await sources.order(ctx, order_id)
    except Unavailable as exc:
        order, errors = None, [str(exc)]
    if order is None:
        return page(
            request, ctx, "order.html", "orders", order=None, order_id=order_id, errors=errors
        )
    demand, legs, receipts, recorded = await asyncio.gather(
        _or_note(sources.demand(ctx, order["manufacturer_id"], order["request_id"]), errors),
        _or_note(sources.gateway_legs(ctx, order_id), errors),
        _or_note(sources.receipts(ctx, order_id), errors),
        _or_note(sources.fills_recorded(ctx, order_id), errors),
    )
    events = timeline.timeline(
        order=order, demand=demand, gateway_legs=legs, receipts=receipts, fills_recorded=recorded
    )
    done = timeline.progress(order, receipts, until=max(e.at for e in events))
    unit = str(order.get("unit", ""))
    progress_chart = charts.steps(
        {
            "ordered": [(at, float(q)) for at, q in done.ordered],
            "filled": [(at, float(q)) for at, q in done.filled],
            "received": [(at, float(q)) for at, q in done.received],
        },
        f"Quantity ordered, filled and received ({unit})",
        unit,
    )
    return page(
        request,
        ctx,
        "order.html",
        "orders",
        order=order,
        order_id=order_id,
        events=events,
        hops={hop: any(e.service == hop for e in events) for hop in timeline.HOPS},
        progress_chart=progress_chart,
        errors=errors,
    )


async def _or_note(read: Any, errors: list[str]) -> Any:
    """What one source answered, or None with its reason noted for the page."""
    try:
        return await read
    except Unavailable as exc:
        errors.append(str(exc))
        return None
