"""A leg's closing, decided by the gateway: declined, expired by the sweep, cancelled on request."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.trader_gateway.domain import (
    ClosingNotApplicable,
    ClosingReason,
    FillAccepted,
    FillRefused,
    Leg,
    LegStatus,
    apply_fill,
    cancel_leg,
    check_decline,
    check_fill,
    close_leg,
    expire_leg,
)
from services.trader_gateway.domain.declines import DeclineAccepted

from .builders import NOW, TRADER, a_leg, a_proposal

CLOSED = [
    a_leg(status=LegStatus.FILLED, filled_quantity=Decimal("100")),
    a_leg(status=LegStatus.DECLINED),
    a_leg(status=LegStatus.CANCELLED),
    a_leg(status=LegStatus.EXPIRED),
]


def test_a_leg_expires_only_once_its_deadline_has_passed() -> None:
    leg = a_leg(deadline=NOW)

    assert expire_leg(leg, NOW) is None  # at the deadline a fill is still on time
    expired = expire_leg(leg, NOW + timedelta(microseconds=1))

    assert expired is not None
    assert expired.leg.status is LegStatus.EXPIRED
    assert (expired.closing.reason, expired.closing.detail) == (
        ClosingReason.EXPIRED,
        "the deadline passed",
    )


def test_an_expired_leg_says_what_it_took_and_what_it_leaves_undone() -> None:
    leg = a_leg(filled_quantity=Decimal(30), status=LegStatus.PARTIALLY_FILLED, deadline=NOW)

    expired = expire_leg(leg, NOW + timedelta(seconds=1))

    assert expired is not None
    assert (expired.closing.filled, expired.closing.undone) == (Decimal(30), Decimal(70))
    assert expired.leg.filled_quantity == Decimal(30)


@pytest.mark.parametrize("leg", CLOSED)
def test_a_leg_no_longer_open_has_nothing_to_close(leg: Leg) -> None:
    assert expire_leg(leg, NOW + timedelta(days=30)) is None
    assert cancel_leg(leg, "order closed", NOW) is None
    with pytest.raises(ClosingNotApplicable):
        close_leg(leg, ClosingReason.DECLINED, "no", NOW)


def test_a_cancelled_leg_keeps_what_was_filled_and_one_past_its_deadline_reads_expired() -> None:
    leg = a_leg(filled_quantity=Decimal(40), status=LegStatus.PARTIALLY_FILLED)

    cancelled = cancel_leg(leg, "deliver_by passed", NOW)
    late = cancel_leg(a_leg(deadline=NOW - timedelta(seconds=1)), "deliver_by passed", NOW)

    assert cancelled is not None
    assert late is not None
    assert (cancelled.leg.status, cancelled.leg.filled_quantity) == (
        LegStatus.CANCELLED,
        Decimal(40),
    )
    assert (cancelled.closing.reason, cancelled.closing.undone) == (
        ClosingReason.CANCELLED,
        Decimal(60),
    )
    assert late.closing.reason is ClosingReason.EXPIRED


def test_a_decline_is_the_legs_closing_with_the_traders_reason() -> None:
    leg = a_leg(filled_quantity=Decimal(80), status=LegStatus.PARTIALLY_FILLED)

    accepted = check_decline(leg, TRADER, None, "cannot ship the rest")

    assert isinstance(accepted, DeclineAccepted)
    closing = accepted.closing(NOW)
    assert (closing.reason, closing.filled, closing.undone, closing.detail) == (
        ClosingReason.DECLINED,
        Decimal(80),
        Decimal(20),
        "cannot ship the rest",
    )


@given(
    st.lists(st.decimals(min_value=Decimal("0.1"), max_value=Decimal(40), places=1), max_size=6),
    st.sampled_from(list(ClosingReason)),
)
def test_a_closing_counts_every_fill_before_it_and_leaves_the_rest_undone(
    amounts: list[Decimal], reason: ClosingReason
) -> None:
    leg = a_leg(limit_price=None)
    for amount in amounts:
        accepted = check_fill(leg, a_proposal(quantity=amount), TRADER, NOW)
        if isinstance(accepted, FillAccepted):
            leg = apply_fill(leg, accepted)
    if not leg.is_open:
        assert cancel_leg(leg, "x", NOW) is None
        return

    closed = close_leg(leg, reason, "why", NOW)

    assert closed.closing.filled == leg.filled_quantity
    assert closed.closing.filled + closed.closing.undone == leg.quantity
    assert not closed.leg.is_open
    # A closed leg takes no more fills.
    refused = check_fill(closed.leg, a_proposal(quantity=Decimal("0.1")), TRADER, NOW)
    assert isinstance(refused, FillRefused)
