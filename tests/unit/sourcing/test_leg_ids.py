from services.sourcing.domain import leg_id
from services.sourcing.domain.legs import MAX_LEG_ID


def test_a_leg_is_named_after_its_request_and_sequence() -> None:
    assert leg_id("order-7", 3) == "order-7.leg-3"


def test_a_long_request_id_still_gives_a_short_unique_deterministic_leg_id() -> None:
    long_a, long_b = "a" * 60 + "x", "a" * 60 + "y"

    assert len(leg_id(long_a, 12)) <= MAX_LEG_ID
    assert leg_id(long_a, 12) == leg_id(long_a, 12)
    assert leg_id(long_a, 12) != leg_id(long_b, 12)
    assert leg_id(long_a, 12).endswith(".leg-12")
