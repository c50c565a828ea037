"""The console's sessions: expiry, capacity, re-checks, anti-forgery tokens, safe redirects."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from services.console.domain.sessions import SessionBook, may_sign_in, safe_next
from shared.access.entitlements import Role

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def book(ttl_s: float = 3600, capacity: int = 10) -> tuple[SessionBook, Callable[[], str]]:
    counter = itertools.count()
    return SessionBook(ttl_s, capacity=capacity), lambda: f"t{next(counter)}"


def test_a_session_lasts_its_ttl_and_is_then_forgotten() -> None:
    sessions, token = book(ttl_s=60)
    started = sessions.start("ops:ana", Role.OPS_READ, "vlt_k", T0, token)
    assert sessions.find(started.session_id, T0 + timedelta(seconds=59)) == started
    assert sessions.find(started.session_id, T0 + timedelta(seconds=60)) is None
    assert len(sessions) == 0
    assert sessions.find(None, T0) is None
    assert sessions.find("never-issued", T0) is None


def test_the_session_id_and_its_form_token_differ_and_only_the_token_passes() -> None:
    sessions, token = book()
    s = sessions.start("ops:ana", Role.PROGRAM_ADMIN, "vlt_k", T0, token)
    assert s.session_id != s.csrf
    assert s.form_is_ours(s.csrf)
    assert not s.form_is_ours(s.session_id)
    assert not s.form_is_ours("")


def test_the_oldest_sign_in_goes_when_capacity_is_reached() -> None:
    sessions, token = book(capacity=2)
    first, second, third = (
        sessions.start(f"ops:{n}", Role.OPS_READ, f"k{n}", T0, token) for n in range(3)
    )
    assert len(sessions) == 2
    assert sessions.find(first.session_id, T0) is None
    assert sessions.find(second.session_id, T0)
    assert sessions.find(third.session_id, T0)


def test_a_recheck_is_due_after_its_period_and_confirming_moves_it_and_the_role() -> None:
    sessions, token = book()
    s = sessions.start("ops:ana", Role.PROGRAM_ADMIN, "vlt_k", T0, token)
    assert not s.recheck_due(T0 + timedelta(seconds=59), 60)
    assert s.recheck_due(T0 + timedelta(seconds=60), 60)
    later = T0 + timedelta(seconds=61)
    fresh = sessions.confirmed(s, Role.OPS_READ, later)
    assert (fresh.role, fresh.checked_at, fresh.may_replay) == (Role.OPS_READ, later, False)
    assert sessions.find(s.session_id, later) == fresh
    assert not fresh.recheck_due(later, 60)


def test_a_key_access_refuses_ends_every_session_of_that_key_and_no_other() -> None:
    sessions, token = book()
    a1 = sessions.start("ops:ana", Role.OPS_READ, "vlt_a", T0, token)
    a2 = sessions.start("ops:ana", Role.OPS_READ, "vlt_a", T0, token)
    b = sessions.start("ops:bo", Role.OPS_READ, "vlt_b", T0, token)
    assert sessions.end_key("vlt_a") == 2
    assert sessions.find(a1.session_id, T0) is None
    assert sessions.find(a2.session_id, T0) is None
    assert sessions.find(b.session_id, T0) == b
    sessions.end(b.session_id)
    assert len(sessions) == 0


def test_only_ops_roles_sign_in_and_only_a_program_admin_may_replay() -> None:
    assert may_sign_in("ops_read") is Role.OPS_READ
    assert may_sign_in("program_admin") is Role.PROGRAM_ADMIN
    for role in ("manufacturer", "custodian", "service", "trader", "", "PROGRAM_ADMIN"):
        assert may_sign_in(role) is None


@given(st.text(max_size=40))
def test_after_sign_in_the_console_never_sends_anyone_to_another_site(path: str) -> None:
    target = safe_next(path)
    assert target.startswith("/")
    assert not target.startswith("//")
    assert "\\" not in target
    assert not target.startswith("/sign-")


def test_a_path_of_the_console_is_kept_with_its_query() -> None:
    assert safe_next("/orders?status=waiting") == "/orders?status=waiting"
    for hostile in ("https://evil.example/", "//evil.example", "/\\evil.example", None, ""):
        assert safe_next(hostile) == "/pipeline"
