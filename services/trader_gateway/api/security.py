"""Who is calling: a trading house by its API key, or ops by the admin token.

Both arrive as ``Authorization: Bearer ...``. A trader key never opens the admin API
(it is simply not the admin token), and the admin token is not a trader key. Failed
attempts are rate-limited per client address before any check, so neither secret can
be guessed at speed, and every refusal reads the same whatever part was wrong.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.trader_gateway.api.context import Gateway, gateway
from services.trader_gateway.api.problems import ProblemError
from services.trader_gateway.domain import AuthRefused, RefusalCode, authenticate, parse_key
from services.trader_gateway.repository import traders

_trader_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="TraderApiKey",
    description="A trading house's API key (vlt_...), issued by ops; rotate and revoke via admin.",
)
_admin_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="AdminToken",
    description="The ops token from VAULT_ADMIN_TOKEN; the admin API is off (503) without it.",
)
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="vault"'}


@dataclass(frozen=True, slots=True)
class Principal:
    trader_id: str
    key_id: str


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _refuse(ctx: Gateway, request: Request, detail: str) -> ProblemError:
    ctx.auth_failures.take(_client(request), ctx.clock())
    return ProblemError.of_code(RefusalCode.UNAUTHORISED, detail, headers=_CHALLENGE)


def _slow_down_guessing(ctx: Gateway, request: Request) -> None:
    if ctx.auth_failures.exhausted(_client(request), ctx.clock()):
        raise ProblemError.of_code(
            RefusalCode.RATE_LIMITED,
            "too many failed authentications from this address; wait and retry",
            headers={"Retry-After": "10"},
        )


async def current_trader(
    request: Request,
    ctx: Annotated[Gateway, Depends(gateway)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_trader_bearer)],
) -> Principal:
    _slow_down_guessing(ctx, request)
    token = credentials.credentials if credentials else ""
    parsed = parse_key(token)
    record = None
    if parsed is not None:
        record = await traders.key_for_login(ctx.pool, parsed.key_id)
    now = ctx.clock()
    result = authenticate(token, record, now)
    if isinstance(result, AuthRefused):
        raise _refuse(ctx, request, result.message)
    decision = ctx.keys.take(result.key_id, now)
    if not decision.allowed:
        raise ProblemError.of_code(
            RefusalCode.RATE_LIMITED,
            f"this API key may make {ctx.keys.policy.rate_per_second} requests per second "
            f"(bursts of {ctx.keys.policy.burst})",
            headers={"Retry-After": str(decision.retry_after_seconds)},
        )
    return Principal(result.trader_id, result.key_id)


async def require_admin(
    request: Request,
    ctx: Annotated[Gateway, Depends(gateway)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_admin_bearer)],
) -> None:
    expected = ctx.settings.admin_token
    if expected is None:
        raise ProblemError(
            503,
            "admin_disabled",
            "the admin API is disabled: VAULT_ADMIN_TOKEN is not set on this gateway",
        )
    _slow_down_guessing(ctx, request)
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
        raise _refuse(ctx, request, "the admin API needs the admin token")


Trader = Annotated[Principal, Depends(current_trader)]
Admin = Depends(require_admin)
