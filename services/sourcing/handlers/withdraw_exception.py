"""A program admin withdraws a policy exception approved for one order (who, when, why).

The approval is kept with its withdrawal beside it; the order's next placements (retries,
cascades) no longer consider the option. Legs it already opened stand: a withdrawal
narrows what comes next, it does not undo a purchase.
"""

from __future__ import annotations

from datetime import datetime

import structlog

from services.sourcing.repository import exceptions
from shared.db import Connection

log = structlog.get_logger(__name__)


async def withdraw(
    conn: Connection,
    order_id: str,
    kind: str,
    subject: str,
    *,
    by: str,
    at: datetime,
    reason: str,
) -> bool:
    """False when no such approval stands for the order."""
    done = await exceptions.withdraw(conn, order_id, kind, subject, by=by, at=at, reason=reason)
    if done:
        log.info(
            "policy_exception_withdrawn",
            order_id=order_id,
            kind=kind,
            subject=subject,
            withdrawn_by=by,
        )
    return done
