"""A client id names one request forever: a retry is answered with what was done, nothing twice.

Releases, transfers and adjustments carry the client's own id (a body field or the
Idempotency-Key). When the id has been used, what was done under it decides the
answer: the same request again is a replay; anything else under it is refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.inventory.domain.adjustments import AdjustmentRequest
from services.inventory.domain.movements import Movement
from services.inventory.domain.releases import Release, ReleaseRequest
from services.inventory.domain.transfers import Transferred, TransferRequest, transferred
from services.inventory.domain.values import IdReused


def retry_release(stored: Release, request: ReleaseRequest) -> Release | IdReused:
    if (stored.mineral, stored.quantity, stored.warehouse_id) == (
        request.mineral,
        request.quantity,
        request.warehouse_id,
    ):
        return stored
    return IdReused(
        "release",
        request.release_id,
        f"release {request.release_id} was performed as "
        f"{stored.quantity} {stored.unit} of {stored.mineral}"
        + (f" from {stored.warehouse_id}" if stored.warehouse_id else "")
        + "; a retry must repeat the same request",
    )


def retry_transfer(done: Sequence[Movement], request: TransferRequest) -> Transferred | IdReused:
    """``done``: the movements written under the transfer id (never empty)."""
    previous = transferred(done, replayed=True)
    if (previous.source_lot_id, previous.to_warehouse_id, previous.quantity) == (
        request.lot_id,
        request.to_warehouse_id,
        request.quantity,
    ):
        return previous
    return IdReused(
        "transfer",
        request.transfer_id,
        f"transfer {request.transfer_id} moved {previous.quantity} {previous.unit} of "
        f"{previous.source_lot_id} to {previous.to_warehouse_id}; a retry must repeat it",
    )


def retry_adjustment(previous: Movement, request: AdjustmentRequest) -> Movement | IdReused:
    if (previous.lot_id, previous.quantity, previous.reason, previous.author) == (
        request.lot_id,
        request.quantity,
        request.reason,
        request.author,
    ):
        return previous
    return IdReused(
        "adjustment",
        request.adjustment_id,
        f"adjustment {request.adjustment_id} changed {previous.lot_id} by "
        f"{previous.quantity} {previous.unit}; a retry must repeat it",
    )
