"""What each service says about legs and orders, as its reconciliation endpoint answers it.

These shapes are a contract between the services (which answer them) and the ops
tools (which compare them): decimals travel as text, lists are keyset-paginated by
id (``Page``), at most ``MAX_PAGE`` items a page.

- gateway (the owner of a leg's fills and closing): per leg, its quantity, filled
  total, status and fills (``GET /v1/admin/reconciliation/legs``, admin token);
- sourcing: per leg, what it learnt (filled total, status, fills); per order, what
  was ordered, placed and filled (``/v1/reconciliation/legs``, ``/orders``);
- inventory: per fill, what was received into holdings, or held for ops and why
  (``/v1/reconciliation/receipts``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from shared.http.paging import InvalidCursor, decode_cursor, encode_cursor

GATEWAY_LEGS = "/v1/admin/reconciliation/legs"
SOURCING_LEGS = "/v1/reconciliation/legs"
SOURCING_ORDERS = "/v1/reconciliation/orders"
INVENTORY_RECEIPTS = "/v1/reconciliation/receipts"

MAX_PAGE = 200
DEFAULT_PAGE = 200

# Exact decimals, as plain text both ways: 40.5, never 4.05E+1.
Amount = Annotated[
    Decimal, PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json")
]


class _Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class FillFact(_Fact):
    fill_id: str
    quantity: Amount


class GatewayLeg(_Fact):
    """A leg as its owner has it."""

    leg_id: str
    order_id: str
    quantity: Amount
    filled: Amount
    status: str = Field(description="open, partially_filled, filled, declined, expired, cancelled")
    fills: list[FillFact]


class SourcingLeg(_Fact):
    """A leg as sourcing learnt it."""

    leg_id: str
    order_id: str
    quantity: Amount
    filled: Amount
    status: str = Field(description="open, filled, declined, expired, cancelled")
    fills: list[FillFact]


class SourcingOrder(_Fact):
    order_id: str
    ordered: Amount
    placed: Amount = Field(
        description="with traders or bought: each open leg's quantity, each closed leg's fills"
    )
    filled: Amount
    status: str


class Receipt(_Fact):
    """A fill as inventory has it: received into holdings, or held for ops (``held``)."""

    fill_id: str
    order_id: str
    leg_id: str | None = Field(default=None, description="none on lots booked before 2026-12")
    quantity: Amount
    held: bool = False
    reason: str = ""


T = TypeVar("T", bound=_Fact)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class Facts:
    """Everything the three services said, as collected for one comparison."""

    gateway_legs: Sequence[GatewayLeg] = ()
    sourcing_legs: Sequence[SourcingLeg] = ()
    sourcing_orders: Sequence[SourcingOrder] = ()
    receipts: Sequence[Receipt] = ()
    unreachable: Sequence[str] = field(default_factory=tuple)


R = TypeVar("R")


def after(cursor: str | None, listing: str) -> str | None:
    """The id a page starts after, from the cursor the previous page gave (400 if foreign)."""
    if cursor is None:
        return None
    try:
        key = decode_cursor(cursor, listing)
        if len(key) != 1 or not isinstance(key[0], str):
            raise InvalidCursor()
    except InvalidCursor as error:
        raise error.problem from None
    return key[0]


def page_of(
    rows: Sequence[R], limit: int, listing: str, id_of: Callable[[R], str]
) -> tuple[list[R], str | None]:
    """The rows to show and the next cursor (callers fetch ``limit + 1`` rows)."""
    shown = list(rows[:limit])
    if len(rows) <= limit:
        return shown, None
    return shown, encode_cursor(listing, [id_of(shown[-1])])
