"""What inventory's HTTP API accepts and answers. Quantities are decimals, sent and returned as text."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shared.contracts.common import Amount, Identifier, PositiveAmount
from shared.http.json import DecimalText


def _not_blank(text: str) -> str:
    # An unexplained or anonymous change to holdings cannot be audited later.
    if not text.strip():
        raise ValueError("must not be blank")
    return text


Text = Annotated[str, Field(min_length=1, max_length=200)]
# A mineral id as the catalogue spells it; whether it is in the catalogue is checked later.
MineralId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
WarehouseKindName = Literal["third_party", "leased", "owned"]
# A release raises a replenishment demand that demand intake validates like any other:
# its request id ("replenish-" + release id) must be an id of at most 64 characters
# without "/", and its quantity must have at most 3 decimal places.
REPLENISHMENT_PREFIX_LENGTH = len("replenish-")
ReleaseId = Annotated[
    str,
    Field(min_length=1, max_length=64 - REPLENISHMENT_PREFIX_LENGTH, pattern=r"^[A-Za-z0-9._:-]+$"),
]
ReleaseQuantity = Annotated[
    Decimal, Field(gt=0, max_digits=18, decimal_places=3, allow_inf_nan=False)
]
LotId = Annotated[str, Field(min_length=1, max_length=300)]


class Request(BaseModel):
    # Commands from people and their tools: a misspelt field is an error, not silence.
    model_config = ConfigDict(frozen=True, extra="forbid")


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)


class WarehouseIn(Request):
    warehouse_id: Identifier
    name: Text
    kind: WarehouseKindName = Field(
        description="third_party (a trading partner's), leased, or owned by the program"
    )
    location: Text
    operator: Text = Field(description="who runs the site, e.g. the trading partner")


class WarehouseOut(Answer):
    warehouse_id: str
    name: str
    kind: WarehouseKindName
    location: str
    operator: str


class HeldFillOut(Answer):
    fill_id: str
    order_id: str
    warehouse_id: str
    mineral: str
    quantity: DecimalText
    unit: str
    manufacturer_id: str
    reason: str
    held_at: datetime
    booked_at: datetime | None = None
    movement_id: str | None = None


class Registration(Answer):
    warehouse: WarehouseOut
    created: bool
    booked_fills: list[str] = Field(description="fills held for this warehouse, now booked")
    still_held: list[HeldFillOut] = Field(description="held for this warehouse and another reason")


class ReleaseIn(Request):
    manufacturer_id: Identifier
    mineral: MineralId
    quantity: ReleaseQuantity = Field(description="in the mineral's catalogue unit")
    unit: Literal["t", "kg"] | None = Field(default=None, description="checked if given")
    warehouse_id: Identifier | None = Field(default=None, description="draw from this site only")
    release_id: ReleaseId | None = Field(
        default=None,
        description="the manufacturer's own id: a retry with it is not released twice",
    )


class DrawOut(Answer):
    lot_id: str
    warehouse_id: str
    quantity: DecimalText
    movement_id: str


class ReplenishmentOut(Answer):
    request_id: str
    deliver_by: date
    kind: Literal["replenishment"] = "replenishment"
    limit_price: DecimalText | None = Field(
        default=None,
        description="USD per unit: the dearest lot drawn plus the headroom; none when no "
        "lot drawn recorded its price",
    )


class ReleaseOut(Answer):
    release_id: str
    manufacturer_id: str
    mineral: str
    quantity: DecimalText
    unit: str
    warehouse_id: str | None
    rule: str
    draws: list[DrawOut]
    replenishment: ReplenishmentOut
    performed_at: datetime
    replayed: bool = Field(description="true when this answers a retry; nothing was drawn again")


class TransferIn(Request):
    lot_id: LotId
    to_warehouse_id: Identifier
    quantity: PositiveAmount
    transfer_id: Identifier | None = None


class TransferOut(Answer):
    transfer_id: str
    source_lot_id: str
    lot_id: str = Field(description="the lot now in the destination (a split child if partial)")
    split: bool
    from_warehouse_id: str
    to_warehouse_id: str
    quantity: DecimalText
    unit: str
    at: datetime
    replayed: bool


class AdjustmentIn(Request):
    lot_id: LotId
    quantity: Amount = Field(description="signed: negative takes material off the books")
    reason: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_not_blank)]
    author: Annotated[Text, AfterValidator(_not_blank)]
    adjustment_id: Identifier | None = None


class AdjustmentOut(Answer):
    adjustment_id: str
    movement_id: str
    lot_id: str
    warehouse_id: str
    quantity: DecimalText
    unit: str
    reason: str
    author: str
    at: datetime
    replayed: bool


class DiscrepancyOut(Answer):
    kind: str
    detail: str
    lot_id: str | None = None
    warehouse_id: str | None = None
    live: DecimalText | None = None
    rebuilt: DecimalText | None = None


class CheckOut(Answer):
    agrees: bool = Field(description="live balances equal the balances rebuilt from movements")
    movements: int
    balances: int
    discrepancies: list[DiscrepancyOut]
    checked_at: datetime
