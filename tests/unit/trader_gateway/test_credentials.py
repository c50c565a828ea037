from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.trader_gateway.domain import (
    Authenticated,
    KeyRecord,
    RefusalCode,
    Trader,
    TraderRegistration,
    active_keys,
    authenticate,
    issue_key,
    parse_key,
    revoke_key,
    rotate_keys,
    verify_key,
)

from .builders import NOW, TRADER

PLAINTEXT, RECORD = issue_key(TRADER, NOW)


def test_an_issued_key_has_the_vlt_prefix_its_id_and_a_secret() -> None:
    parsed = parse_key(PLAINTEXT)
    assert parsed is not None
    assert PLAINTEXT.startswith(f"vlt_{RECORD.key_id}_")
    assert parsed.key_id == RECORD.key_id


def test_the_record_holds_neither_the_plaintext_nor_the_secret() -> None:
    parsed = parse_key(PLAINTEXT)
    assert parsed is not None
    assert parsed.secret not in repr(RECORD)
    assert parsed.secret not in RECORD.secret_hash
    assert parsed.secret not in repr(parsed)


def test_two_issued_keys_differ() -> None:
    assert issue_key(TRADER, NOW)[0] != issue_key(TRADER, NOW)[0]


def test_the_issued_key_verifies_against_its_record() -> None:
    assert verify_key(PLAINTEXT, RECORD)


def test_a_key_does_not_verify_against_another_keys_record() -> None:
    _, other = issue_key(TRADER, NOW)
    assert not verify_key(PLAINTEXT, other)


def test_a_stolen_hash_moved_to_another_key_id_does_not_verify() -> None:
    _, other = issue_key(TRADER, NOW)
    forged = KeyRecord(other.key_id, TRADER, RECORD.secret_hash, NOW)
    secret = PLAINTEXT.split("_", 2)[2]
    assert not verify_key(f"vlt_{other.key_id}_{secret}", forged)


@pytest.mark.parametrize(
    "plaintext",
    [
        "",
        "vlt_",
        PLAINTEXT[:-1],
        PLAINTEXT + "A",
        PLAINTEXT.replace("vlt_", "VLT_"),
        PLAINTEXT.replace("vlt_", "xyz_"),
        " " + PLAINTEXT,
        PLAINTEXT.replace(RECORD.key_id, RECORD.key_id.upper() + "G"),
        f"vlt_{RECORD.key_id}_{'=' * 43}",
    ],
)
def test_a_malformed_key_is_rejected_by_parsing_alone(plaintext: str) -> None:
    assert parse_key(plaintext) is None
    assert not verify_key(plaintext, RECORD)


def test_a_non_string_key_is_rejected_by_parsing() -> None:
    assert parse_key(None) is None
    assert parse_key(b"vlt_") is None


def test_authentication_names_the_trader_of_an_active_key() -> None:
    assert authenticate(PLAINTEXT, RECORD, NOW) == Authenticated(TRADER, RECORD.key_id)


def test_authentication_refuses_unknown_wrong_and_revoked_keys_alike() -> None:
    wrong = issue_key(TRADER, NOW)[0]
    revoked = revoke_key(RECORD, NOW)
    answers = {
        authenticate(PLAINTEXT, None, NOW),
        authenticate(wrong, RECORD, NOW),
        authenticate(PLAINTEXT, revoked, NOW),
        authenticate("garbage", RECORD, NOW),
        authenticate("\ud800", None, NOW),
    }
    (answer,) = answers
    assert not isinstance(answer, Authenticated)
    assert answer.code is RefusalCode.UNAUTHORISED


def test_a_revoked_key_works_until_its_revocation_time() -> None:
    scheduled = revoke_key(RECORD, NOW + timedelta(hours=1))
    assert scheduled.is_active(NOW + timedelta(minutes=59))
    assert not scheduled.is_active(NOW + timedelta(hours=1))


def test_revocation_can_be_brought_forward_but_never_postponed() -> None:
    revoked = revoke_key(RECORD, NOW + timedelta(hours=1))
    assert revoke_key(revoked, NOW + timedelta(hours=2)).revoked_at == NOW + timedelta(hours=1)
    assert revoke_key(revoked, NOW).revoked_at == NOW


def test_a_key_cannot_be_revoked_before_it_was_created() -> None:
    with pytest.raises(ValueError, match="before"):
        revoke_key(RECORD, NOW - timedelta(seconds=1))


def test_rotation_issues_a_new_key_and_retires_the_traders_old_keys_after_the_grace() -> None:
    _, second = issue_key(TRADER, NOW)
    _, someone_elses = issue_key("trader-other", NOW)
    grace = timedelta(days=7)
    later = NOW + timedelta(hours=1)

    rotation = rotate_keys([RECORD, second, someone_elses], TRADER, later, grace)

    assert verify_key(rotation.plaintext, rotation.issued)
    assert {r.key_id for r in rotation.retiring} == {RECORD.key_id, second.key_id}
    assert all(r.revoked_at == later + grace for r in rotation.retiring)
    keys_in_grace = [*rotation.retiring, rotation.issued]
    assert len(active_keys(keys_in_grace, later + grace - timedelta(seconds=1))) == 3
    assert active_keys(keys_in_grace, later + grace) == (rotation.issued,)


def test_the_rotation_repr_does_not_show_the_new_plaintext() -> None:
    rotation = rotate_keys([], TRADER, NOW, timedelta(0))
    assert rotation.plaintext not in repr(rotation)


# Verification is one SHA-256, so a hundred examples cost milliseconds.
@given(
    candidate=st.text(max_size=80)
    | st.from_regex(r"vlt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}", fullmatch=True)
)
def test_no_key_but_the_issued_one_verifies(candidate: str) -> None:
    if candidate != PLAINTEXT:
        assert not verify_key(candidate, RECORD)


@settings(max_examples=20)
@given(data=st.data())
def test_a_key_with_any_one_character_changed_does_not_verify(data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(PLAINTEXT) - 1))
    replacement = data.draw(st.characters(codec="ascii").filter(lambda c: c != PLAINTEXT[position]))
    tampered = PLAINTEXT[:position] + replacement + PLAINTEXT[position + 1 :]
    assert not verify_key(tampered, RECORD)


def test_a_trading_house_acts_in_its_markets_until_ops_deactivate_it() -> None:
    terms = {
        "trader_id": TRADER,
        "name": "Hartree",
        "markets": ("cobalt", "lithium"),
        "rank": 1,
        "capacity": Decimal("10"),
        "exposure_limit_usd": Decimal("10"),
    }
    active = Trader(**terms, active=True)  # type: ignore[arg-type]
    assert active.registration == TraderRegistration(TRADER, frozenset({"cobalt", "lithium"}))
    assert Trader(**terms, active=False).registration is None  # type: ignore[arg-type]
