"""API keys and callers: issued once, verified by hash, revoked for good; who speaks for whom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from shared.access import keys
from shared.http.auth import Caller, Role

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def test_an_issued_key_verifies_and_its_hash_is_all_that_is_stored() -> None:
    plaintext, credential = keys.issue("manufacturer:volta", "manufacturer", NOW, subject="volta")
    parsed = keys.parse(plaintext)
    assert parsed is not None
    assert keys.verify(parsed, credential, NOW)
    assert parsed.secret not in repr(credential)
    assert keys.key_hash(plaintext) == credential.secret_hash


def test_a_revoked_or_expired_or_unknown_key_does_not_verify() -> None:
    plaintext, credential = keys.issue("ops:jo", "ops_read", NOW, expires_at=NOW + timedelta(1))
    parsed = keys.parse(plaintext)
    assert parsed is not None
    assert not keys.verify(parsed, keys.revoke(credential, NOW), NOW)
    assert not keys.verify(parsed, credential, NOW + timedelta(days=2))
    assert not keys.verify(parsed, None, NOW)


def test_a_revocation_is_never_postponed() -> None:
    _, credential = keys.issue("ops:jo", "ops_read", NOW)
    early = keys.revoke(credential, NOW + timedelta(hours=1))
    assert keys.revoke(early, NOW + timedelta(hours=5)).revoked_at == NOW + timedelta(hours=1)


@given(st.text(max_size=120))
def test_anything_else_in_the_header_is_not_a_key(text: str) -> None:
    if not text.startswith("vlt_"):
        assert keys.parse(text) is None


def test_another_key_of_the_same_id_does_not_verify() -> None:
    plaintext, credential = keys.issue("ops:jo", "program_admin", NOW)
    other, _ = keys.issue("ops:eve", "program_admin", NOW)
    forged = keys.parse(f"vlt_{credential.key_id}_{other.rsplit('_', 1)[-1]}")
    if forged is not None:
        assert not keys.verify(forged, credential, NOW)
    assert plaintext != other


def test_a_manufacturer_speaks_for_itself_and_ops_for_everyone() -> None:
    volta = Caller("manufacturer:volta", Role.MANUFACTURER, "volta", "k1")
    ops = Caller("ops:jo", Role.OPS_READ, None, "k2")
    assert volta.speaks_for("volta")
    assert not volta.speaks_for("helios")
    assert ops.speaks_for("helios")
