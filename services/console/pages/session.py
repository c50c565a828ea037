"""Signing in and out of the console, and the dependency every page is behind.

An operator signs in with their own ops key (``ops_read`` or ``program_admin``), which
access checks (``GET /v1/me``); the browser gets a random session id in an HttpOnly
cookie. Every page needs a session: without one a page redirects to ``/sign-in`` (a
background refresh gets 401, and ``refresh.js`` goes to the sign-in page). Every
``recheck_s`` the key is asked about again: a revoked key ends its sessions. Forms carry
the session's anti-forgery token.
"""

from __future__ import annotations

import secrets
import urllib.parse
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from services.console.context import Console
from services.console.domain.sessions import Session, may_sign_in, safe_next
from services.console.pages.render import Ctx, page
from services.console.views.access import KeyHolder, holder_of
from shared.access.entitlements import Role
from shared.http.auth import client_address

log = structlog.get_logger("console")
router = APIRouter(tags=["sign-in"])

COOKIE = "vault_console_session"
MAX_FORM_BYTES = 8 * 1024
REFRESH_HEADER = "x-console-refresh"


class SignInRequired(Exception):
    """No live session: the page redirects to the sign-in form (``app`` handles it)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class FormRefused(Exception):
    """A form the console does not take (too large, not a form, a forged token)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    if request.headers.get(REFRESH_HEADER):
        return PlainTextResponse("signed out: sign in again", status_code=401)
    target = "/sign-in?" + urllib.parse.urlencode({"next": exc.next_path})
    return RedirectResponse(target, status_code=303)


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def confirm(ctx: Console, session: Session) -> KeyHolder:
    """Ask access about the session's key now; a key it refuses ends the key's sessions."""
    holder = await holder_of(ctx, session.key)
    if holder.answer == "refused" or (
        holder.answer == "known" and may_sign_in(holder.role) is None
    ):
        ended = ctx.sessions.end_key(session.key)
        log.info("console_session_ended", principal=session.principal, why="key", sessions=ended)
    return holder


async def operator(request: Request, ctx: Ctx) -> Session:
    """The signed-in operator, confirmed with access at most ``recheck_s`` ago. When access
    cannot answer, pages go on showing with the role last confirmed (the console must
    answer above all when things are failing); replay always asks afresh."""
    now = ctx.clock()
    session = ctx.sessions.find(request.cookies.get(COOKIE), now)
    if session is None:
        raise SignInRequired(_here(request))
    if session.recheck_due(now, ctx.settings.session_recheck_s):
        holder = await confirm(ctx, session)
        role = may_sign_in(holder.role) if holder.answer == "known" else None
        if role is not None:
            session = ctx.sessions.confirmed(session, role, now)
        elif holder.answer in ("refused", "known"):
            raise SignInRequired(_here(request))
        else:
            log.warning("console_session_unconfirmed", principal=session.principal, why=holder)
    request.state.session = session
    return session


Operator = Annotated[Session, Depends(operator)]


async def form_of(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body, at most ``MAX_FORM_BYTES``."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise FormRefused(415, "send the form as application/x-www-form-urlencoded")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise FormRefused(413, f"a form of at most {MAX_FORM_BYTES} bytes")
    try:
        fields = urllib.parse.parse_qs(
            body.decode("utf-8"), max_num_fields=20, strict_parsing=bool(body)
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormRefused(400, "the form could not be read") from exc
    return {name: values[0] for name, values in fields.items()}


def checked_form(session: Session, form: dict[str, str]) -> dict[str, str]:
    if not session.form_is_ours(form.get("csrf", "")):
        raise FormRefused(403, "this form did not come from your console session: reload the page")
    return form


def _sign_in_page(
    request: Request, ctx: Console, *, next_path: str, error: str = "", status: int = 200
) -> HTMLResponse:
    answer = page(
        request, ctx, "sign_in.html", "sign_in", next_path=next_path, error=error, refresh=False
    )
    answer.status_code = status
    return answer


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_form(request: Request, ctx: Ctx, next: str = "/pipeline") -> HTMLResponse:
    return _sign_in_page(request, ctx, next_path=safe_next(next))


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, ctx: Ctx) -> Response:
    form = await form_of(request)
    next_path = safe_next(form.get("next"))
    holder = await holder_of(ctx, form.get("api_key", "").strip())
    address = client_address(request)
    if holder.answer != "known":
        log.info("console_sign_in_refused", why=holder.answer, address=address)
        status, error = {
            "refused": (401, "That key was not accepted: missing, invalid, expired or revoked."),
            "throttled": (429, f"Too many failed sign-ins: wait {holder.detail} s and retry."),
        }.get(holder.answer, (503, f"Keys cannot be checked now: {holder.detail}."))
        return _sign_in_page(request, ctx, next_path=next_path, error=error, status=status)
    role = may_sign_in(holder.role)
    if role is None:
        log.info("console_sign_in_refused", why="role", role=holder.role, address=address)
        error = f"A {holder.role} key has no console: it is for ops (ops_read, program_admin)."
        return _sign_in_page(request, ctx, next_path=next_path, error=error, status=403)
    session = ctx.sessions.start(
        holder.principal,
        role,
        form["api_key"].strip(),
        ctx.clock(),
        lambda: secrets.token_urlsafe(32),
    )
    log.info("console_signed_in", principal=session.principal, role=role.value, address=address)
    answer = RedirectResponse(next_path, status_code=303)
    answer.set_cookie(
        COOKIE,
        session.session_id,
        max_age=int(ctx.settings.session_ttl_s),
        httponly=True,
        secure=ctx.settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    return answer


@router.post("/sign-out")
async def sign_out(request: Request, ctx: Ctx, who: Operator) -> Response:
    checked_form(who, await form_of(request))
    ctx.sessions.end(who.session_id)
    log.info("console_signed_out", principal=who.principal)
    answer = RedirectResponse("/sign-in", status_code=303)
    answer.delete_cookie(COOKIE, path="/")
    return answer


def role_name(role: Role) -> str:
    return {Role.PROGRAM_ADMIN: "program admin", Role.OPS_READ: "read-only ops"}.get(
        role, role.value
    )
