"""access's rules for principals (services.access.domain)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from services.access.domain import (
    NewPrincipal,
    expiry_problem,
    grace_problem,
    kind_of,
    new_principal,
)
from shared.access.entitlements import PrincipalKind, Role


def test_a_manufacturer_speaks_for_itself_and_has_no_other_role() -> None:
    made = new_principal("manufacturer", "volta-motors", None)
    assert made == NewPrincipal(
        PrincipalKind.MANUFACTURER, "volta-motors", Role.MANUFACTURER, "volta-motors"
    )
    assert made.principal == "manufacturer:volta-motors"
    assert isinstance(new_principal("manufacturer", "volta", "program_admin"), str)


def test_ops_and_services_need_an_ops_role_and_speak_for_nobody() -> None:
    for kind in ("ops", "service"):
        assert isinstance(new_principal(kind, "jo", None), str)
        assert isinstance(new_principal(kind, "jo", "manufacturer"), str)
        made = new_principal(kind, "jo", "ops_read")
        assert isinstance(made, NewPrincipal)
        assert made.subject is None


@given(st.text(max_size=80))
def test_ids_are_plain_names(text: str) -> None:
    made = new_principal("ops", text, "ops_read")
    if isinstance(made, NewPrincipal):
        assert made.id == text
        assert ":" not in text
        assert "/" not in text


def test_kinds_are_read_back_from_principal_names() -> None:
    assert kind_of("manufacturer:m") is PrincipalKind.MANUFACTURER
    assert kind_of("nobody:m") is None
    assert kind_of("ops") is None


def test_expiry_lies_ahead_and_grace_is_at_most_a_week() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert expiry_problem(now, now) is not None
    assert expiry_problem(now + timedelta(seconds=1), now) is None
    assert grace_problem(0) is None
    assert grace_problem(-1) is not None
    assert grace_problem(8 * 24 * 3600) is not None
