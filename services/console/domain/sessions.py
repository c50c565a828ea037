"""Who is signed in to the console: sessions, what each role may do there, safe redirects.

Pure: the clock is passed in, ids are made by the caller's ``token`` function. An
operator signs in with their own ops key (checked by access, ``views.access``); the
console keeps the key server-side only, in the session, so that it can ask again every
``recheck_s`` whether the key still holds (a revoked key ends its sessions within that).
The browser holds only a random session id (an HttpOnly, SameSite=Strict cookie).
"""

from __future__ import annotations

import hmac
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.access.entitlements import OPS, Role

MAX_SESSIONS = 1_000


@dataclass(frozen=True, slots=True)
class Session:
    session_id: str
    principal: str
    role: Role
    key: str  # the operator's key: never sent back to the browser, never logged
    csrf: str
    started_at: datetime
    checked_at: datetime

    @property
    def may_replay(self) -> bool:
        return self.role is Role.PROGRAM_ADMIN

    def recheck_due(self, now: datetime, recheck_s: float) -> bool:
        return now - self.checked_at >= timedelta(seconds=recheck_s)

    def form_is_ours(self, token: str) -> bool:
        """A form posted with this session's anti-forgery token (compared in constant time)."""
        return hmac.compare_digest(self.csrf.encode(), token.encode())


def may_sign_in(role: str) -> Role | None:
    """The role a console session may carry: ops roles only (manufacturers and traders have
    their own APIs and nothing to see here)."""
    try:
        found = Role(role)
    except ValueError:
        return None
    return found if found in OPS else None


def safe_next(path: str | None) -> str:
    """Where to go after signing in: a path of this console, never another site."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/pipeline"
    if path.startswith("/sign-"):
        return "/pipeline"
    return path


class SessionBook:
    """The console's sessions, in memory (a restart signs everyone out), at most
    ``capacity``: the oldest sign-in goes first when a new one would exceed it."""

    def __init__(self, ttl_s: float, *, capacity: int = MAX_SESSIONS) -> None:
        self._ttl = timedelta(seconds=ttl_s)
        self._capacity = capacity
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def start(
        self, principal: str, role: Role, key: str, now: datetime, token: Callable[[], str]
    ) -> Session:
        session = Session(token(), principal, role, key, token(), now, now)
        self._sessions[session.session_id] = session
        while len(self._sessions) > self._capacity:
            self._sessions.popitem(last=False)
        return session

    def find(self, session_id: str | None, now: datetime) -> Session | None:
        """The live session of this id; an expired one is forgotten."""
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        if now - session.started_at >= self._ttl:
            del self._sessions[session_id]
            return None
        return session

    def confirmed(self, session: Session, role: Role, now: datetime) -> Session:
        """Access said again that the key holds (its role may have changed)."""
        fresh = replace(session, role=role, checked_at=now)
        if session.session_id in self._sessions:
            self._sessions[session.session_id] = fresh
        return fresh

    def end(self, session_id: str | None) -> None:
        if session_id:
            self._sessions.pop(session_id, None)

    def end_key(self, key: str) -> int:
        """Every session of a key access no longer accepts."""
        gone = [sid for sid, s in self._sessions.items() if hmac.compare_digest(s.key, key)]
        for sid in gone:
            del self._sessions[sid]
        return len(gone)
