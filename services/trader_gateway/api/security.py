"""Who is calling: a trading house by its API key, or ops by theirs (from access).

Both arrive as ``Authorization: Bearer ...``. A trader's key is checked against the
gateway's own table and opens only the trader routes; an ops key is checked against the
credentials access publishes (``shared.http.auth``) and opens only ``/v1/admin``.

Failed attempts are counted per presented key id and per client address, *after* the
key is checked: a valid key is never refused for others' failures (a NAT or a balancer
shared with a guesser), a failing one is told 429 once its id or its address has failed
too often. Every refusal reads the same whatever part was wrong.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.trader_gateway import views
from services.trader_gateway.api import refusals
from services.trader_gateway.context import Gateway
from services.trader_gateway.domain import (
    Authenticated,
    AuthRefused,
    authenticate,
    parse_key,
)
from shared.http.auth import OPS, Role, requires
from shared.http.context import context_of
from shared.http.problems import ProblemError

# The context every route is given (``service.context``, or an API's own: see app.py).
Ctx = Annotated[Gateway, Depends(context_of)]

_trader_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="TraderApiKey",
    description="A trading house's API key (vlt_...), issued by ops; rotate and revoke via admin.",
)
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="vault"'}


def rate_limited(detail: str, retry_after_s: int) -> ProblemError:
    return ProblemError(
        429,
        "rate_limited",
        detail,
        title="Too many requests",
        headers={"Retry-After": str(retry_after_s)},
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _refuse(
    ctx: Gateway, request: Request, refusal: AuthRefused, key_id: str | None
) -> ProblemError:
    """A failed attempt: counted per address and per presented key id; 429 once either has
    failed too often, 401 before that."""
    now = ctx.clock()
    by_address = ctx.auth_failures.take(f"addr:{_client(request)}", now).allowed
    by_key = key_id is None or ctx.auth_failures.take(f"key:{key_id}", now).allowed
    if not (by_address and by_key):
        raise rate_limited(
            "too many failed authentications with this key id or from this address; wait and retry",
            10,
        )
    return refusals.problem(refusal, headers=_CHALLENGE)


async def current_trader(
    request: Request,
    ctx: Ctx,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_trader_bearer)],
) -> Authenticated:
    # The key is checked first: a valid one is let in whatever others failed from its address.
    token = credentials.credentials if credentials else ""
    parsed = parse_key(token)
    record = None
    if parsed is not None:
        record = await views.key_for_login(ctx.service.pool, parsed.key_id)
    now = ctx.clock()
    result = authenticate(token, record, now)
    if isinstance(result, AuthRefused):
        raise _refuse(ctx, request, result, None if parsed is None else parsed.key_id)
    decision = ctx.keys.take(result.key_id, now)
    if not decision.allowed:
        policy = ctx.keys.policy
        raise rate_limited(
            f"this API key may make {policy.rate_per_second} requests per second "
            f"(bursts of {policy.burst})",
            decision.retry_after_seconds,
        )
    return result


Caller = Annotated[Authenticated, Depends(current_trader)]
# /v1/admin: program admins change traders and their keys; ops (read-only too) read across
# traders. Both verified from the credentials access publishes (shared.http.auth), never
# with a trader's key (those live in the gateway's own table and open only trader routes).
Admin = Depends(requires(Role.PROGRAM_ADMIN))
OpsRead = Depends(requires(*OPS))
