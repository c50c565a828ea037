"""Principals and their keys over HTTP, for program admins only.

GET    /v1/principals                              every principal and its keys (never a hash)
POST   /v1/principals                              a principal and its first key (201, shown once)
GET    /v1/principals/{principal}                  one, 404 if none
POST   /v1/principals/{principal}/keys             rotate: a new key; the others stop after grace_s
DELETE /v1/principals/{principal}/keys/{key_id}    revoke one key now
DELETE /v1/principals/{principal}                  revoke every key now, the principal removed
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.access import views
from services.access.api.schemas import (
    IssuedOut,
    PrincipalIn,
    PrincipalList,
    PrincipalOut,
    RotateIn,
)
from services.access.context import Access
from services.access.domain import expiry_problem, grace_problem, new_principal
from services.access.handlers import keys as use
from services.access.handlers.keys import Issued
from shared.http.app import router as api_router
from shared.http.auth import ProgramAdmin
from shared.http.context import context_of
from shared.http.problems import ProblemError, not_found, problem_responses

router = api_router(tags=["principals"])
Ctx = Annotated[Access, Depends(context_of)]
_ERRORS = problem_responses(401, 403, 503)


def _out(issued: Issued) -> IssuedOut:
    return IssuedOut(
        principal=issued.principal,
        role=issued.role,
        subject=issued.subject,
        key_id=issued.credential.key_id,
        api_key=issued.api_key,
        issued_at=issued.credential.issued_at,
        expires_at=issued.credential.expires_at,
    )


@router.get("/principals", response_model=PrincipalList, responses=_ERRORS)
async def list_principals(admin: ProgramAdmin, ctx: Ctx) -> PrincipalList:
    rows = await views.principals(ctx.service.pool)
    return PrincipalList(principals=[PrincipalOut.model_validate(r) for r in rows])


@router.post(
    "/principals",
    status_code=201,
    response_model=IssuedOut,
    responses=problem_responses(401, 403, 409, 422, 503),
)
async def create_principal(body: PrincipalIn, admin: ProgramAdmin, ctx: Ctx) -> IssuedOut:
    """Create a principal and issue its first key; the key is in this answer only."""
    wanted = new_principal(body.kind, body.id, body.role)
    if isinstance(wanted, str):
        raise ProblemError(422, "invalid_principal", wanted)
    now = ctx.clock()
    problem = expiry_problem(body.expires_at, now)
    if problem is not None:
        raise ProblemError(422, "invalid_expiry", problem, field="expires_at")
    async with ctx.service.transaction() as conn:
        issued = await use.create(conn, ctx.service.credentials, wanted, now, body.expires_at)
    if issued is None:
        raise ProblemError(
            409, "principal_exists", f"{wanted.principal} exists: rotate its key instead"
        )
    return _out(issued)


@router.get("/principals/{principal}", response_model=PrincipalOut, responses=_ERRORS)
async def read_principal(principal: str, admin: ProgramAdmin, ctx: Ctx) -> PrincipalOut:
    rows = await views.principals(ctx.service.pool, principal)
    if not rows:
        raise not_found(f"no principal {principal}")
    return PrincipalOut.model_validate(rows[0])


@router.post(
    "/principals/{principal}/keys",
    status_code=201,
    response_model=IssuedOut,
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def rotate_key(
    principal: str, admin: ProgramAdmin, ctx: Ctx, body: RotateIn | None = None
) -> IssuedOut:
    """A new key for the principal; its older keys stop working after ``grace_s``."""
    body = body or RotateIn()
    now = ctx.clock()
    problem = expiry_problem(body.expires_at, now) or grace_problem(body.grace_s)
    if problem is not None:
        raise ProblemError(422, "invalid_rotation", problem)
    async with ctx.service.transaction() as conn:
        issued = await use.rotate(
            conn, ctx.service.credentials, principal, now, body.expires_at, body.grace_s
        )
    if issued is None:
        raise not_found(f"no principal {principal}")
    return _out(issued)


@router.delete(
    "/principals/{principal}/keys/{key_id}",
    response_model=PrincipalOut,
    responses=problem_responses(401, 403, 404, 503),
)
async def revoke_key(principal: str, key_id: str, admin: ProgramAdmin, ctx: Ctx) -> PrincipalOut:
    """Revoke one key now: refused by every service once the event reaches it (ms)."""
    async with ctx.service.transaction() as conn:
        done = await use.revoke(conn, ctx.service.credentials, principal, key_id, ctx.clock())
    if not done:
        raise not_found(f"no key {key_id} of {principal}")
    return await read_principal(principal, admin, ctx)


@router.delete(
    "/principals/{principal}",
    response_model=PrincipalOut,
    responses=problem_responses(401, 403, 404, 503),
)
async def remove_principal(principal: str, admin: ProgramAdmin, ctx: Ctx) -> PrincipalOut:
    async with ctx.service.transaction() as conn:
        done = await use.remove(conn, ctx.service.credentials, principal, ctx.clock())
    if not done:
        raise not_found(f"no principal {principal}")
    return await read_principal(principal, admin, ctx)
