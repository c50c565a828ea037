"""The failure limiter (per key id and per address) and the bootstrap keys' encoding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.access import bootstrap, keys
from shared.access.guard import FailureLimiter, refill, spend
from vault.credentials import new_key


def test_failures_are_allowed_up_to_the_burst_then_refused_until_refilled() -> None:
    limiter = FailureLimiter(rate_per_s=1, burst=3)
    assert [limiter.fail(0.0, address="a", key_id=None) for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert limiter.fail(1.5, address="a", key_id=None)  # a token back after a second
    assert limiter.fail(1.5, address="b", key_id=None)  # another address is its own


def test_one_key_ids_failures_are_counted_from_every_address() -> None:
    limiter = FailureLimiter(rate_per_s=1, burst=2)
    assert limiter.fail(0.0, address="a", key_id="k")
    assert limiter.fail(0.0, address="b", key_id="k")
    assert not limiter.fail(0.0, address="c", key_id="k")
    assert limiter.fail(0.0, address="c", key_id="j") is True


@given(
    rate=st.floats(0.1, 100),
    burst=st.integers(1, 50),
    steps=st.lists(st.floats(-5, 5), max_size=30),
)
def test_a_bucket_never_holds_more_than_its_burst_nor_less_than_nothing(
    rate: float, burst: int, steps: list[float]
) -> None:
    bucket, now = None, 0.0
    for step in steps:
        now += step
        _, bucket = spend(bucket, now, rate, burst)
        assert 0 <= bucket.tokens <= burst
    assert refill(None, 0.0, rate, burst).tokens == burst


def test_the_memory_is_bounded() -> None:
    limiter = FailureLimiter(max_tracked=10)
    for n in range(100):
        limiter.fail(0.0, address=str(n), key_id=None)
    assert len(limiter._buckets) == 10


def test_bootstrap_keys_travel_as_hashes_and_verify_their_key() -> None:
    admin = new_key()
    described = bootstrap.describe(admin, "ops:program-admin", "program_admin")
    value = bootstrap.encode([described])
    assert admin.split("_", 2)[2] not in value  # never the secret
    [back] = bootstrap.decode(value)
    parsed = keys.parse(admin)
    assert parsed is not None
    assert keys.verify(parsed, back.credential(), bootstrap.ISSUED_AT.replace(year=2030))


@pytest.mark.parametrize(
    "value",
    [
        "{",
        "{}",
        '[{"key_id": "x"}]',
        '[{"key_id": "short", "principal": "p", "role": "r", "secret_hash": "h"}]',
    ],
)
def test_a_malformed_bootstrap_value_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="VAULT_BOOTSTRAP_KEYS"):
        bootstrap.decode(value)


def test_an_empty_bootstrap_value_is_no_keys() -> None:
    assert bootstrap.decode("") == []
