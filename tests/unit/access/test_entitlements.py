"""Who may see and do what (shared.access.entitlements): the pure rules, with properties."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shared.access.entitlements import (
    Caller,
    Role,
    has_role,
    list_scope,
    may_act_for,
    may_read,
    order_story,
)

ids = st.text(alphabet="abcdefgh-", min_size=1, max_size=8)
roles = st.sampled_from(list(Role))


def caller(role: Role, subject: str | None = None) -> Caller:
    return Caller(f"p:{role}", role, subject, "0123456789abcdef")


@given(me=ids, other=ids)
def test_a_manufacturer_reads_and_acts_for_itself_only(me: str, other: str) -> None:
    maker = caller(Role.MANUFACTURER, me)
    assert may_read(maker, me)
    assert may_act_for(maker, me)
    assert may_read(maker, other) is (other == me)
    assert may_act_for(maker, other) is (other == me)
    assert not may_read(maker, None)


@given(owner=ids)
def test_ops_read_everything_and_only_the_program_admin_acts_for_a_manufacturer(
    owner: str,
) -> None:
    reader, admin = caller(Role.OPS_READ), caller(Role.PROGRAM_ADMIN)
    assert may_read(reader, owner)
    assert may_read(admin, owner)
    assert may_read(reader, None)
    assert not may_act_for(reader, owner)
    assert may_act_for(admin, owner)


@given(role=roles, subject=st.none() | ids, owner=ids)
def test_a_bare_service_role_or_a_manufacturer_without_subject_sees_nothing(
    role: Role, subject: str | None, owner: str
) -> None:
    who = caller(role, subject)
    if role is Role.SERVICE or (role is Role.MANUFACTURER and subject is None):
        assert not may_read(who, owner)
        assert not may_act_for(who, owner)
        assert not list_scope(who, owner).allowed


@given(me=ids, asked=st.none() | ids)
def test_a_manufacturers_list_is_its_own_whatever_it_asks(me: str, asked: str | None) -> None:
    scope = list_scope(caller(Role.MANUFACTURER, me), asked)
    if asked in (None, me):
        assert (scope.allowed, scope.owner) == (True, me)
    else:
        assert not scope.allowed


@given(asked=st.none() | ids)
def test_ops_lists_are_what_they_ask_for(asked: str | None) -> None:
    for role in (Role.OPS_READ, Role.PROGRAM_ADMIN):
        scope = list_scope(caller(role), asked)
        assert (scope.allowed, scope.owner) == (True, asked)


def test_roles_are_checked_as_given() -> None:
    assert has_role(caller(Role.OPS_READ), (Role.OPS_READ, Role.PROGRAM_ADMIN))
    assert not has_role(caller(Role.MANUFACTURER, "m"), (Role.PROGRAM_ADMIN,))


DETAIL: dict[str, Any] = {
    "order_id": "o-1",
    "manufacturer_id": "m-1",
    "quantity": "10",
    "status": "filled",
    "explanation": {"passed_over": [{"offer_id": "of-9", "trader_id": "t-9", "price": "77"}]},
    "legs": [
        {
            "leg_id": "l-1",
            "trader_id": "t-1",
            "unit_price": "55",
            "offer_id": "of-1",
            "quantity": "10",
            "tier": "domestic",
            "policy_version": "p1",
        }
    ],
    "fills": [{"fill_id": "f-1", "trader_id": "t-1", "unit_price": "55", "lot_reference": "x"}],
    "decisions": [{"number": 1, "trigger": "requested", "record": {"offers": ["of-9"]}}],
}


def test_a_manufacturers_story_names_no_trader_no_offer_and_no_price_but_its_own_fills() -> None:
    story = order_story(DETAIL)
    text = repr(story)
    for secret in ("t-1", "t-9", "of-1", "of-9", "77", "explanation", "record", "lot_reference"):
        assert secret not in text, secret
    assert story["legs"] == [{"leg_id": "l-1", "quantity": "10", "tier": "domestic"}]
    assert story["fills"] == [{"fill_id": "f-1", "unit_price": "55"}]
    assert story["decisions"] == [{"number": 1, "trigger": "requested"}]


@given(extra=st.dictionaries(st.text(min_size=1, max_size=10), st.integers(), max_size=5))
def test_a_field_added_to_the_ops_view_does_not_reach_the_story(extra: dict[str, int]) -> None:
    detail = {**DETAIL, **{f"new_{k}": v for k, v in extra.items()}}
    detail["legs"] = [{**DETAIL["legs"][0], **{f"new_{k}": v for k, v in extra.items()}}]
    story = order_story(detail)
    assert not any(k.startswith("new_") for k in story)
    assert not any(k.startswith("new_") for k in story["legs"][0])
