"""Is the pipeline flowing: readiness, rates per hop, consumer lag, outbox, dead letters."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.console.domain import pipeline
from services.console.domain.metrics import rate_series
from services.console.domain.shares import Bars
from services.console.pages import charts
from services.console.pages.render import Ctx, page

router = APIRouter(tags=["pages"])

RATE_WINDOW_S = 60.0


@router.get("/pipeline", response_class=HTMLResponse)
async def pipeline_page(request: Request, ctx: Ctx) -> HTMLResponse:
    latest = ctx.latest()
    if latest is None:
        return page(request, ctx, "pipeline.html", "pipeline", latest=None)
    window = ctx.window(RATE_WINDOW_S)
    hops = pipeline.hops(window)
    outboxes = pipeline.outboxes(latest)
    history = list(ctx.history)
    times, consumed = rate_series(history, pipeline.IN, ("service",))
    _, published = rate_series(history, pipeline.OUT, ("service",))
    lag = {f"{c.service} ← {h.topic}": c.lag for h in hops for c in h.consumers}
    dead = pipeline.dead_letters_by_topic(latest)
    return page(
        request,
        ctx,
        "pipeline.html",
        "pipeline",
        latest=latest,
        hops=hops,
        outboxes=outboxes,
        window_s=(window[-1].at - window[0].at).total_seconds() if len(window) > 1 else 0,
        consumed_chart=charts.lines(
            times, {k[0]: v for k, v in consumed.items()}, "Messages consumed per second"
        )
        if len(history) > 1
        else None,
        published_chart=charts.lines(
            times, {k[0]: v for k, v in published.items()}, "Events published per second"
        )
        if len(history) > 1
        else None,
        lag_chart=charts.single(
            lag, "Consumer lag (records behind)", series="lag", empty="No consumer is behind."
        ),
        outbox_chart=charts.bars(
            Bars(
                labels=[o.service for o in outboxes],
                series={
                    "backlog": [o.backlog for o in outboxes],
                    "parked": [o.parked for o in outboxes],
                },
            ),
            "Outbox: unpublished and parked rows",
            stacked=False,
            empty="Every outbox is drained; nothing parked.",
        ),
        dead_chart=charts.single(dead, "Dead letters since start, per topic", series="dead letters")
        if any(dead.values())
        else None,
    )
