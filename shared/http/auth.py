"""Every caller is someone: the ``Caller`` of a request, and the roles routes require.

Routes declare who may call them with a dependency:

    Reader = Annotated[Caller, Depends(requires(Role.OPS_READ, Role.PROGRAM_ADMIN))]

    @router.get("/orders/{order_id}")
    async def get_order(order_id: str, caller: Reader, ctx: Ctx) -> ...:

``caller`` authenticates (401 without a valid key); ``requires`` checks the role (403).
Object-level checks (a manufacturer's own orders only; another's is 404) are the
route's, with ``Caller.speaks_for``. Keys are verified against the service's own
``credentials`` table (``shared.access.store``), kept from access's events.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.access import keys
from shared.access.entitlements import OPS, Caller, Role
from shared.access.store import CredentialStore
from shared.http.context import utc_now
from shared.http.problems import ProblemError

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer vlt_<id>_<secret>")
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="vault"'}


def unauthorised() -> ProblemError:
    # The same answer whatever failed, so failures do not tell which part was right.
    return ProblemError(
        401, "unauthorised", "missing, invalid or revoked API key", headers=_CHALLENGE
    )


def forbidden(detail: str = "this key's role may not do this") -> ProblemError:
    return ProblemError(403, "forbidden", detail)


def store_of(request: Request) -> CredentialStore:
    store: CredentialStore = request.app.state.context.service.credentials
    return store


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def too_many_failures() -> ProblemError:
    return ProblemError(
        429,
        "rate_limited",
        "too many failed authentications with this key id or from this address; wait and retry",
        title="Too many requests",
        headers={"Retry-After": "5", **_CHALLENGE},
    )


async def authenticate(store: CredentialStore, token: str | None, address: str) -> Caller:
    """The caller a bearer token names, checked before any failure count is consulted: a
    valid key is never refused for others' failures (``shared.access.guard``); a failed
    attempt is counted per key id and per address, and is 429 once either is exhausted."""
    parsed = keys.parse(token)
    found = None if parsed is None else await store.find(parsed.key_id)
    if parsed is not None and keys.verify(parsed, found, utc_now()) and found is not None:
        try:
            role = Role(found.role)
        except ValueError:
            role = None
        if role is not None:
            return Caller(found.principal, role, found.subject, found.key_id)
    key_id = None if parsed is None else parsed.key_id
    if not store.failures.fail(time.monotonic(), address=address, key_id=key_id):
        raise too_many_failures()
    raise unauthorised()


async def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """Who is calling, from the key in the Authorization header; 401 for anyone else."""
    token = credentials.credentials if credentials is not None else None
    return await authenticate(store_of(request), token, client_address(request))


def requires(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency: the caller, if its role is one of ``roles`` (403 otherwise)."""
    allowed = frozenset(roles)

    async def check(who: Annotated[Caller, Depends(caller)]) -> Caller:
        if who.role not in allowed:
            raise forbidden()
        return who

    return check


Authenticated = Annotated[Caller, Depends(caller)]
OpsReader = Annotated[Caller, Depends(requires(*OPS))]
ProgramAdmin = Annotated[Caller, Depends(requires(Role.PROGRAM_ADMIN))]
# A manufacturer acting for itself, or ops (routes then check ``may_act_for`` / ``speaks_for``).
OwnOrOps = Annotated[Caller, Depends(requires(Role.MANUFACTURER, *OPS))]

__all__ = [
    "OPS",
    "Authenticated",
    "Caller",
    "OpsReader",
    "OwnOrOps",
    "ProgramAdmin",
    "Role",
    "authenticate",
    "caller",
    "forbidden",
    "requires",
    "unauthorised",
]
