"""What the clients did and were told, as the checker reads it: the history of one run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class FillAttempt:
    """One fill request and the answer the trader finally got (``status`` None: none)."""

    leg_id: str
    order_id: str
    plan: str
    quantity: Decimal
    origin: str
    wrong_origin: bool
    status: int | None
    code: str | None
    fill_id: str | None
    sent_at: datetime


@dataclass(frozen=True)
class DeclineAttempt:
    leg_id: str
    order_id: str
    plan: str
    status: int | None
    code: str | None
    declined: Decimal | None


@dataclass(frozen=True)
class LegSeen:
    leg_id: str
    order_id: str
    trader_id: str
    mineral: str
    quantity: Decimal
    deadline: datetime
    plan: str


@dataclass
class History:
    seed: int
    orders: dict[str, Decimal] = field(default_factory=dict)  # order id -> quantity ordered
    legs: dict[str, LegSeen] = field(default_factory=dict)
    fills: list[FillAttempt] = field(default_factory=list)
    declines: list[DeclineAttempt] = field(default_factory=list)
    chaos: list[str] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)

    def accepted(self) -> dict[str, FillAttempt]:
        return {f.fill_id: f for f in self.fills if f.status == 201 and f.fill_id is not None}
