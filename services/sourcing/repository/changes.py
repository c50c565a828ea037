"""A batch's changes stored: each table written once, by one set statement, if at all."""

from __future__ import annotations

from services.sourcing.domain import Changes
from services.sourcing.repository import anomalies, book, decisions, fills, legs, orders
from shared.db import Connection


async def save(conn: Connection, changes: Changes) -> None:
    """Write what the domain decided for a batch, inside the caller's transaction.

    At most seven statements, whatever the batch's size: legs closed or filled, new legs,
    what they took from the book, decision records, fills, the orders' rows, and any
    anomalies noted.
    The caller holds the locks of every order (and mineral) changed.
    """
    await legs.save(conn, list(changes.changed_legs.values()))
    await legs.insert(conn, list(changes.new_legs.values()))
    await book.take(conn, changes.taken)
    await decisions.add(conn, changes.decisions)
    await fills.insert(conn, changes.fills)
    await orders.save(conn, list(changes.orders.values()))
    await anomalies.add(conn, changes.anomalies)
