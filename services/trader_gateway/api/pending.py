"""Fills held for approval: the trader reads its own; a program admin approves or rejects.

A fill priced beyond the tolerance around treasury's reference is answered 202 (see
``fills.py``). ``GET /v1/pending-fills`` is the trader's view of them (with the decision
and its reason once taken); ``/v1/admin/pending-fills`` is ops': the listing for an ops
reader, the decision for a program admin only (``shared.http.auth``), with who, when
and why recorded.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import Field

from services.trader_gateway.api import refusals
from services.trader_gateway.api.schemas import PendingFillOut, PendingFillPage
from services.trader_gateway.api.security import Caller, Ctx
from services.trader_gateway.api.values import ID_PATTERN, RequestBody
from services.trader_gateway.domain import (
    MAX_DECISION_REASON,
    FillRefused,
    PendingStatus,
    RefusalCode,
    decision_reason_problem,
)
from services.trader_gateway.handlers import pending
from services.trader_gateway.repository import pending as repo
from services.trader_gateway.repository.pending import PendingRecord
from shared.http import paging
from shared.http.app import router as api_router
from shared.http.auth import OpsReader, ProgramAdmin
from shared.http.problems import not_found, problem_responses

router = api_router(
    tags=["pending fills"],
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422, 429, 500, 504),
)
FillId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
StatusFilter = Literal["pending_approval", "approved", "rejected", "all"]


class DecisionRequest(RequestBody):
    reason: str = Field(min_length=1, max_length=MAX_DECISION_REASON)


def _status(status: StatusFilter) -> PendingStatus | None:
    return None if status == "all" else PendingStatus(status)


def _page(rows: list[PendingRecord], limit: int, listing: str) -> PendingFillPage:
    shown, next_cursor = paging.page(rows, limit, listing, lambda r: (r.proposed_at, r.fill_id))
    return PendingFillPage(items=[PendingFillOut.of(r) for r in shown], next_cursor=next_cursor)


@router.get(
    "/pending-fills", summary="List my fills held for approval", response_model=PendingFillPage
)
async def list_mine(
    caller: Caller,
    ctx: Ctx,
    status: StatusFilter = "all",
    limit: paging.Limit = paging.DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
) -> PendingFillPage:
    """Oldest first; a rejected one says why (a program admin's reason, or its leg closed)."""
    listing = f"pending-fills:v1:{status}"
    rows = await repo.page(
        ctx.service.pool,
        trader_id=caller.trader_id,
        status=_status(status),
        after=paging.after(cursor, listing),
        limit=limit + 1,
    )
    return _page(rows, limit, listing)


@router.get("/pending-fills/{fill_id}", summary="Read one of my fills held for approval")
async def read_mine(fill_id: FillId, caller: Caller, ctx: Ctx) -> PendingFillOut:
    found = await repo.find(ctx.service.pool, fill_id, caller.trader_id)
    if found is None:
        raise not_found("pending fill not found")
    return PendingFillOut.of(found)


@router.get(
    "/admin/pending-fills",
    summary="List fills held for approval (ops)",
    response_model=PendingFillPage,
)
async def list_all(
    _: OpsReader,
    ctx: Ctx,
    status: Annotated[StatusFilter, Query()] = "pending_approval",
    limit: paging.Limit = paging.DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
) -> PendingFillPage:
    listing = f"admin-pending-fills:v1:{status}"
    rows = await repo.page(
        ctx.service.pool,
        trader_id=None,
        status=_status(status),
        after=paging.after(cursor, listing),
        limit=limit + 1,
    )
    return _page(rows, limit, listing)


@router.post(
    "/admin/pending-fills/{fill_id}/approve",
    summary="Approve a fill priced beyond the tolerance (program admin)",
)
async def approve(
    fill_id: FillId, body: DecisionRequest, caller: ProgramAdmin, ctx: Ctx
) -> PendingFillOut:
    """It becomes the fill of this id: ``fill.confirmed`` (with ``approved_by``) is emitted
    in the leg's order, and the approval (who, when, why) is kept on the fill."""
    return await _decide(fill_id, True, body, caller.principal, ctx)


@router.post(
    "/admin/pending-fills/{fill_id}/reject",
    summary="Reject a fill priced beyond the tolerance (program admin)",
)
async def reject(
    fill_id: FillId, body: DecisionRequest, caller: ProgramAdmin, ctx: Ctx
) -> PendingFillOut:
    """Nothing is emitted; its quantity is free on the leg again, and the trader reads the
    reason on the pending fill."""
    return await _decide(fill_id, False, body, caller.principal, ctx)


async def _decide(
    fill_id: str, approve: bool, body: DecisionRequest, by: str, ctx: Ctx
) -> PendingFillOut:
    problem = decision_reason_problem(body.reason)
    if problem is not None:
        raise refusals.problem(FillRefused(RefusalCode.INVALID_REASON, problem, "reason"))
    async with ctx.service.transaction() as conn:
        decided = await pending.decide(conn, fill_id, approve, by, body.reason.strip(), ctx.clock())
    if isinstance(decided, FillRefused):
        raise refusals.problem(decided)
    return PendingFillOut.of(decided.pending)
