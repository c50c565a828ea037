"""/v1/admin/reconciliation/legs: the gateway's facts per leg, for ops to reconcile.

The gateway owns a leg's fills and its closing: what it answers here is the truth the
other services are compared with (``shared.reconciliation``). Ops keys only (ops_read or program_admin).
"""

from __future__ import annotations

from services.trader_gateway import views
from services.trader_gateway.api.security import Ctx, OpsRead
from shared.http import paging
from shared.http.app import router as api_router
from shared.http.problems import problem_responses
from shared.reconciliation.facts import DEFAULT_PAGE, GatewayLeg, Page, after, page_of

router = api_router(
    prefix="/admin",
    tags=["admin"],
    dependencies=[OpsRead],
    responses=problem_responses(400, 401, 422, 429, 503),
)
LISTING = "reconciliation-legs"


@router.get("/reconciliation/legs", response_model=Page[GatewayLeg])
async def legs(
    ctx: Ctx, limit: paging.Limit = DEFAULT_PAGE, cursor: paging.Cursor = None
) -> Page[GatewayLeg]:
    """Every leg, by id: its quantity, filled total, status and fills."""
    rows = await views.legs_for_reconciliation(
        ctx.service.pool, after=after(cursor, LISTING), limit=limit + 1
    )
    shown, next_cursor = page_of(rows, limit, LISTING, lambda leg: leg.leg_id)
    return Page[GatewayLeg](items=shown, next_cursor=next_cursor)
