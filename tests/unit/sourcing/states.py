"""Orders, legs and situations as the handlers load them, for the transitions' tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from services.sourcing.domain import (
    LegState,
    Offer,
    OrderState,
    OrderStatus,
    Rosters,
    Situation,
    SupplyBook,
    Trader,
)
from shared.contracts import FillConfirmed, LegClosed, Phase, Tier, Unit

from .builders import DELIVER_BY, NOW, offer_only, policy

LEG_TTL = timedelta(hours=24)


def order(
    order_id: str = "o-1",
    *,
    quantity: str = "100",
    filled: str = "0",
    open_quantity: str | None = None,
    on_legs: str = "0",
    status: OrderStatus = OrderStatus.WAITING,
    open_reason: str = "not yet placed",
    next_sequence: int = 1,
    limit_price: str | None = None,
    deliver_by: date = DELIVER_BY,
    kind: str = "procurement",
) -> OrderState:
    """By default a new order: all of it open, nothing on legs."""
    return OrderState(
        order_id=order_id,
        manufacturer_id="m-1",
        request_id=f"r-{order_id}",
        kind=kind,  # type: ignore[arg-type]
        mineral="cobalt",
        market="cobalt",
        unit=Unit.TONNE,
        quantity=Decimal(quantity),
        deliver_by=deliver_by,
        limit_price=None if limit_price is None else Decimal(limit_price),
        status=status,
        filled=Decimal(filled),
        open_quantity=Decimal(quantity if open_quantity is None else open_quantity),
        open_reason=open_reason,
        on_legs=Decimal(on_legs),
        next_sequence=next_sequence,
        excluded_offers=frozenset(),
        excluded_specialists=frozenset(),
        correlation_id=f"c-{order_id}",
    )


def routed(offer_leg: LegState, *, filled: str = "0", **changes: Any) -> OrderState:
    """The order of `offer_leg`, all of it on that one leg."""
    return order(
        offer_leg.order_id,
        quantity=str(offer_leg.quantity),
        filled=filled,
        open_quantity="0",
        on_legs=str(offer_leg.quantity - Decimal(filled)),
        status=OrderStatus.PARTLY_FILLED if Decimal(filled) else OrderStatus.ROUTED,
        open_reason="",
        next_sequence=offer_leg.sequence + 1,
        **changes,
    )


def leg(
    order_id: str = "o-1",
    *,
    sequence: int = 1,
    trader_id: str = "trader-a",
    offer_id: str = "home",
    quantity: str = "100",
    filled: str = "0",
    price: str = "100",
    origin: str = "US",
    deadline: datetime = NOW + LEG_TTL,
    **changes: Any,
) -> LegState:
    """An open offer leg."""
    made = LegState(
        leg_id=f"{order_id}.leg-{sequence}",
        order_id=order_id,
        sequence=sequence,
        kind="offer",
        trader_id=trader_id,
        mineral="cobalt",
        market="cobalt",
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        filled=Decimal(filled),
        status="open",
        phase=Phase.REPLENISHMENT,
        policy_version="2026-03-01",
        deadline=deadline,
        deliver_by=DELIVER_BY,
        offer_id=offer_id,
        tier=Tier.DOMESTIC if origin == "US" else Tier.ALLIED,
        origin_country=origin,
        warehouse_id="wh-1",
        available_on=NOW.date() + timedelta(days=10),
    )
    return replace(made, **changes)


def situation(
    offers: Iterable[Offer] = (),
    *,
    traders: Iterable[Trader] | None = None,
    open_quantity: Mapping[tuple[str, str], str] | None = None,
    open_value: Mapping[str, str] | None = None,
    phase: Phase = Phase.REPLENISHMENT,
    now: datetime = NOW,
) -> Situation:
    """Without `traders`, every offer's trader (and trader-a) is registered offer-only."""
    offers = list(offers)
    if traders is None:
        traders = [offer_only(t) for t in sorted({"trader-a"} | {o.trader_id for o in offers})]
    books: dict[str, list[Offer]] = {}
    for item in offers:
        books.setdefault(item.mineral, []).append(item)
    return Situation(
        phases={"cobalt": phase, "lithium": phase},
        books={mineral: SupplyBook.of(group) for mineral, group in books.items()},
        rosters=Rosters(
            tuple(traders),
            {k: Decimal(v) for k, v in (open_quantity or {}).items()},
            {k: Decimal(v) for k, v in (open_value or {}).items()},
        ),
        policy=policy(),
        leg_ttl=LEG_TTL,
        now=now,
    )


def fill(
    fill_id: str,
    of_leg: LegState,
    *,
    quantity: str,
    price: str | None = None,
    origin: str | None = None,
    leg_filled: str | None = None,
) -> FillConfirmed:
    """A fill of ``of_leg`` as the gateway confirms it: by default the leg stands, at the
    gateway, where it stands here plus this fill."""
    after = Decimal(leg_filled) if leg_filled is not None else of_leg.filled + Decimal(quantity)
    after = min(after, of_leg.quantity)  # what the gateway can say, even of a fill too big
    return FillConfirmed.model_validate(
        {
            "fill_id": fill_id,
            "leg_id": of_leg.leg_id,
            "order_id": of_leg.order_id,
            "trader_id": of_leg.trader_id,
            "manufacturer_id": "m-1",
            "mineral": of_leg.mineral,
            "quantity": {"amount": quantity, "unit": "t"},
            "unit_price": {"amount": price or str(of_leg.unit_price), "per": "t"},
            "origin_country": origin or of_leg.origin_country,
            "warehouse_id": "wh-1",
            "lot_reference": f"lot-{fill_id}",
            "filled_at": NOW,
            "leg_filled": str(after),
            "leg_remaining": str(of_leg.quantity - after),
        }
    )


def closing(
    of_leg: LegState,
    reason: str = "declined",
    *,
    filled: str | None = None,
    detail: str = "cannot ship",
) -> LegClosed:
    """The gateway's closing of ``of_leg``: by default with what is counted here filled."""
    taken = of_leg.filled if filled is None else Decimal(filled)
    return LegClosed.model_validate(
        {
            "leg_id": of_leg.leg_id,
            "order_id": of_leg.order_id,
            "trader_id": of_leg.trader_id,
            "mineral": of_leg.mineral,
            "reason": reason,
            "quantity": {"amount": str(of_leg.quantity), "unit": "t"},
            "filled": str(taken),
            "undone": str(of_leg.quantity - taken),
            "detail": detail,
            "closed_at": NOW,
        }
    )
