"""Policy exceptions over HTTP: a program admin approves one for an order (who, when, why).

POST /v1/admin/orders/{order_id}/exceptions            {kind, subject, reason}: recorded, the
                                                       order retried (program admin)
POST /v1/admin/orders/{order_id}/exceptions/withdraw   {kind, subject, reason}: withdrawn, kept
                                                       with who, when, why (program admin)
GET  /v1/admin/orders/{order_id}/exceptions            every approval, standing or withdrawn (ops)
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from services.sourcing import views
from services.sourcing.api.schemas import ExceptionIn, ExceptionList, ExceptionView, WithdrawalIn
from services.sourcing.context import Sourcing
from services.sourcing.domain.exceptions import EXCLUDED_ORIGIN, Approval, unapprovable_origin
from services.sourcing.handlers.approve_exception import approve
from services.sourcing.handlers.withdraw_exception import withdraw
from services.sourcing.repository import exceptions
from shared.http.app import router as api_router
from shared.http.auth import OpsReader, ProgramAdmin
from shared.http.context import context_of
from shared.http.problems import ProblemError, not_found, problem_responses

router = api_router(prefix="/admin", tags=["policy exceptions"])
Ctx = Annotated[Sourcing, Depends(context_of)]


@router.post(
    "/orders/{order_id}/exceptions",
    status_code=201,
    response_model=ExceptionView,
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def approve_exception(
    order_id: str, body: ExceptionIn, caller: ProgramAdmin, ctx: Ctx
) -> dict[str, Any]:
    """Approve the exception for the order; its waiting quantity is placed again at once,
    and the decision record names the approval."""
    if body.kind == EXCLUDED_ORIGIN:
        closed = unapprovable_origin(ctx.policy, body.subject)
        if closed is not None:
            raise ProblemError(422, "origin_not_approvable", closed, field="subject")
    approval = Approval(
        order_id=order_id,
        kind=body.kind,
        subject=body.subject,
        reason=body.reason,
        approved_by=caller.principal,
        approved_at=ctx.now(),
    )
    async with ctx.service.transaction() as conn:
        outcome = await approve(conn, ctx, approval)
    if outcome == "no_such_order":
        raise not_found(f"no order {order_id}")
    if outcome == "no_such_trader":
        raise ProblemError(
            422, "unknown_trader", f"no trader {approval.subject!r} is registered", field="subject"
        )
    return {
        "order_id": approval.order_id,
        "kind": approval.kind,
        "subject": approval.subject,
        "reason": approval.reason,
        "approved_by": approval.approved_by,
        "approved_at": approval.approved_at,
    }


@router.post(
    "/orders/{order_id}/exceptions/withdraw",
    response_model=ExceptionView,
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def withdraw_exception(
    order_id: str, body: WithdrawalIn, caller: ProgramAdmin, ctx: Ctx
) -> dict[str, Any]:
    """The approval stops opening its option to the order's next placements; legs it
    already opened stand. It stays listed, with who withdrew it, when and why."""
    async with ctx.service.transaction() as conn:
        done = await withdraw(
            conn,
            order_id,
            body.kind,
            body.subject,
            by=caller.principal,
            at=ctx.now(),
            reason=body.reason,
        )
        found = await views.approvals(conn, order_id) if done else []
    if not done:
        raise not_found(f"no standing {body.kind} approval {body.subject!r} for order {order_id}")
    [record] = [r for r in found if (r["kind"], r["subject"]) == (body.kind, body.subject)]
    return {"order_id": order_id, **record}


@router.get(
    "/orders/{order_id}/exceptions",
    response_model=ExceptionList,
    responses=problem_responses(401, 403, 404, 503),
)
async def list_exceptions(order_id: str, caller: OpsReader, ctx: Ctx) -> dict[str, Any]:
    """Every policy exception approved for the order, standing or withdrawn."""
    pool = ctx.service.pool
    if await exceptions.mineral_of(pool, order_id) is None:
        raise not_found(f"no order {order_id}")
    found = await views.approvals(pool, order_id)
    return {"items": [{"order_id": order_id, **r} for r in found]}
