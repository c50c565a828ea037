"""The cross-service reconciliation, pure: agreeing facts agree, and every break is named."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.reconciliation import (
    Facts,
    FillFact,
    GatewayLeg,
    Receipt,
    SourcingLeg,
    SourcingOrder,
    reconcile,
)

CLOSED = ("declined", "expired", "cancelled")


@st.composite
def worlds(draw: st.DrawFn) -> Facts:
    """Facts as the three services hold them once every event has been applied."""
    gateway: list[GatewayLeg] = []
    sourcing: list[SourcingLeg] = []
    receipts: list[Receipt] = []
    orders: list[SourcingOrder] = []
    for o in range(draw(st.integers(0, 4))):
        order_id = f"ord-{o}"
        ordered = Decimal(draw(st.integers(10, 200)))
        room, placed, filled_order = ordered, Decimal(0), Decimal(0)
        for n in range(draw(st.integers(0, 3))):
            quantity = Decimal(draw(st.integers(1, max(1, int(room)))))
            if quantity > room:
                break
            pieces = draw(st.lists(st.integers(1, 10), max_size=3))
            fills, total = [], Decimal(0)
            for k, piece in enumerate(pieces):
                if total + piece > quantity:
                    break
                total += piece
                fills.append(FillFact(fill_id=f"f-{o}-{n}-{k}", quantity=Decimal(piece)))
            if total == quantity:
                owner = learnt = "filled"
            elif draw(st.booleans()):
                owner, learnt = ("partially_filled" if total else "open"), "open"
            else:
                owner = learnt = draw(st.sampled_from(CLOSED))
            leg_id = f"{order_id}.leg-{n}"
            gateway.append(
                GatewayLeg(
                    leg_id=leg_id,
                    order_id=order_id,
                    quantity=quantity,
                    filled=total,
                    status=owner,
                    fills=fills,
                )
            )
            sourcing.append(
                SourcingLeg(
                    leg_id=leg_id,
                    order_id=order_id,
                    quantity=quantity,
                    filled=total,
                    status=learnt,
                    fills=fills,
                )
            )
            receipts += [
                Receipt(fill_id=f.fill_id, order_id=order_id, leg_id=leg_id, quantity=f.quantity)
                for f in fills
            ]
            is_open = learnt == "open"
            placed += quantity if is_open else total
            room -= quantity if is_open else total
            filled_order += total
        orders.append(
            SourcingOrder(
                order_id=order_id,
                ordered=ordered,
                placed=placed,
                filled=filled_order,
                status="routed",
            )
        )
    return Facts(gateway, sourcing, orders, receipts)


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_services_that_learnt_everything_the_owner_said_agree(facts: Facts) -> None:
    report = reconcile(facts)

    assert report.differences == ()
    assert report.agrees
    assert report.legs == len(facts.gateway_legs)
    assert report.fills == len(facts.receipts)


def _with_a_fill() -> Facts:
    fill = FillFact(fill_id="f-1", quantity=Decimal(30))
    leg = dict(leg_id="L", order_id="O", quantity=Decimal(100), filled=Decimal(30), fills=[fill])
    return Facts(
        [GatewayLeg(status="partially_filled", **leg)],
        [SourcingLeg(status="open", **leg)],
        [
            SourcingOrder(
                order_id="O",
                ordered=Decimal(100),
                placed=Decimal(100),
                filled=Decimal(30),
                status="partly_filled",
            )
        ],
        [Receipt(fill_id="f-1", order_id="O", leg_id="L", quantity=Decimal(30))],
    )


def _kinds(facts: Facts) -> set[tuple[str, str]]:
    return {(d.kind, d.subject) for d in reconcile(facts).differences}


def test_a_fill_sourcing_never_learnt_is_named_by_fill_and_by_leg() -> None:
    facts = _with_a_fill()
    [leg] = facts.sourcing_legs
    [order] = facts.sourcing_orders
    forgot = replace(
        facts,
        sourcing_legs=[leg.model_copy(update={"fills": [], "filled": Decimal(0)})],
        sourcing_orders=[order.model_copy(update={"filled": Decimal(0)})],
    )

    assert _kinds(forgot) == {("fill_not_learnt", "f-1"), ("leg_fills", "L")}


def test_a_fill_not_in_holdings_says_why_when_it_is_held_for_ops() -> None:
    facts = _with_a_fill()
    held = replace(
        facts,
        receipts=[
            Receipt(
                fill_id="f-1",
                order_id="O",
                quantity=Decimal(30),
                held=True,
                reason="unknown warehouse",
            )
        ],
    )

    report = reconcile(held)

    assert {(d.kind, d.subject) for d in report.differences} == {
        ("fill_not_received", "f-1"),
        ("leg_fills", "L"),
    }
    assert any("unknown warehouse" in d.detail for d in report.differences)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda f: replace(f, receipts=[*f.receipts, f.receipts[0]]),
            {("fill_received_twice", "f-1")},
        ),
        (
            lambda f: replace(
                f, receipts=[f.receipts[0].model_copy(update={"quantity": Decimal(31)})]
            ),
            {("fill_differs", "f-1"), ("leg_fills", "L")},
        ),
        (
            lambda f: replace(
                f,
                receipts=[
                    *f.receipts,
                    Receipt(fill_id="f-x", order_id="O", leg_id="L", quantity=Decimal(1)),
                ],
            ),
            {("fill_unconfirmed", "f-x"), ("leg_fills", "L")},
        ),
        (
            lambda f: replace(
                f,
                sourcing_orders=[f.sourcing_orders[0].model_copy(update={"placed": Decimal(101)})],
            ),
            {("order_over_placed", "O")},
        ),
        (
            lambda f: replace(
                f,
                gateway_legs=[f.gateway_legs[0].model_copy(update={"status": "expired"})],
            ),
            {("leg_status", "L")},
        ),
        (
            lambda f: replace(
                f, sourcing_legs=[f.sourcing_legs[0].model_copy(update={"filled": Decimal(20)})]
            ),
            {("leg_total", "L")},
        ),
        (
            lambda f: replace(f, gateway_legs=[]),
            {("leg_not_at_gateway", "L"), ("fill_unconfirmed", "f-1"), ("leg_fills", "L")},
        ),
        (
            lambda f: replace(f, unreachable=("inventory",)),
            {("service_unreachable", "inventory")},
        ),
    ],
)
def test_each_way_the_services_can_disagree_is_named(
    change: object, expected: set[tuple[str, str]]
) -> None:
    assert _kinds(change(_with_a_fill())) == expected  # type: ignore[operator]


def test_an_order_that_received_more_than_it_asked_for_is_named() -> None:
    facts = _with_a_fill()
    small = replace(
        facts,
        sourcing_orders=[
            facts.sourcing_orders[0].model_copy(
                update={"ordered": Decimal(20), "placed": Decimal(20)}
            )
        ],
    )

    kinds = _kinds(small)

    assert ("order_over_filled", "O") in kinds
    assert ("order_over_received", "O") in kinds


@settings(max_examples=150, deadline=None)
@given(worlds(), st.data())
def test_dropping_any_fill_from_any_service_is_always_found(
    facts: Facts, data: st.DataObject
) -> None:
    fills = [f.fill_id for leg in facts.gateway_legs for f in leg.fills]
    if not fills:
        return
    lost = data.draw(st.sampled_from(fills))
    where = data.draw(st.sampled_from(("gateway", "sourcing", "inventory")))
    if where == "inventory":
        broken = replace(facts, receipts=[r for r in facts.receipts if r.fill_id != lost])
    else:
        field = f"{where}_legs"
        legs = [
            leg.model_copy(update={"fills": [f for f in leg.fills if f.fill_id != lost]})
            for leg in getattr(facts, field)
        ]
        broken = replace(facts, **{field: legs})

    report = reconcile(broken)

    assert not report.agrees
    assert any(d.subject == lost for d in report.differences)
