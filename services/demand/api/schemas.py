"""What demand's HTTP API answers with."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel

from services.demand.domain import Channel, Status
from shared.contracts.demand import DemandKind, RejectionReason
from shared.http.json import DecimalText


class DemandAnswer(BaseModel):
    status: Literal["accepted", "duplicate"]
    order_id: str
    manufacturer_id: str
    request_id: str


class DemandView(BaseModel):
    """What Vault answered to a (manufacturer, request id), and when."""

    manufacturer_id: str
    request_id: str
    status: Status
    order_id: str | None
    reasons: list[RejectionReason]
    demand: dict[str, str | None] | None
    kind: DemandKind | None
    channel: Channel
    received_at: AwareDatetime
    updated_at: AwareDatetime
    attempts: int


class ReplenishmentView(BaseModel):
    """The order a release became: bought back domestic first, at most at ``limit_price``."""

    manufacturer_id: str
    release_id: str
    order_id: str
    request_id: str
    mineral: str
    quantity: DecimalText
    unit: str
    deliver_by: date
    limit_price: DecimalText | None
    received_at: AwareDatetime
