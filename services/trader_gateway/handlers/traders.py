"""Ops' actions: register or change a trading house, issue, rotate and revoke its API keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog

from services.trader_gateway import events
from services.trader_gateway.domain import KeyRecord, Trader, issue_key, revoke_key, rotate_keys
from services.trader_gateway.repository import traders as repo
from shared import outbox
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Registered:
    trader: Trader
    created: bool
    changed: bool


@dataclass(frozen=True, slots=True)
class KeyIssued:
    plaintext: str = field(repr=False)
    key: KeyRecord
    retiring: tuple[KeyRecord, ...]


async def register(conn: Connection, trader: Trader) -> Registered:
    """Create or change a trader; sourcing hears of it only when something changed."""
    stored = await repo.register(conn, trader)
    if stored is None:
        return Registered(trader, created=False, changed=False)
    await outbox.enqueue(conn, [events.trader_registered(trader)])
    log.info(
        "trader_registered",
        trader_id=trader.trader_id,
        markets=list(trader.markets),
        active=trader.active,
        created=stored == "created",
    )
    return Registered(trader, created=stored == "created", changed=True)


async def issue(
    conn: Connection, trader_id: str, now: datetime, retire_others_after: timedelta | None
) -> KeyIssued | None:
    """A new key; with ``retire_others_after``, a rotation: the trader's other keys stop
    working after that grace period, so it can deploy the new key without an outage.
    None if there is no such trader."""
    # Locked so that key changes of one trader queue: a rotation sees every key.
    if await repo.get(conn, trader_id, for_update=True) is None:
        return None
    if retire_others_after is None:
        plaintext, key = issue_key(trader_id, now)
        retiring: tuple[KeyRecord, ...] = ()
    else:
        rotation = rotate_keys(
            await repo.keys_of(conn, trader_id), trader_id, now, retire_others_after
        )
        plaintext, key, retiring = rotation.plaintext, rotation.issued, rotation.retiring
    await repo.insert_key(conn, key)
    await repo.set_revoked(conn, retiring)
    log.info("api_key_issued", trader_id=trader_id, key_id=key.key_id, retiring=len(retiring))
    return KeyIssued(plaintext, key, retiring)


async def revoke(conn: Connection, trader_id: str, key_id: str, now: datetime) -> KeyRecord | None:
    """Revoke a key now (an earlier revocation stands); None if the trader has no such key."""
    keys = {k.key_id: k for k in await repo.keys_of(conn, trader_id, for_update=True)}
    key = keys.get(key_id)
    if key is None:
        return None
    revoked = revoke_key(key, max(now, key.created_at))
    if revoked != key:
        await repo.set_revoked(conn, [revoked])
        log.info("api_key_revoked", trader_id=trader_id, key_id=key_id)
    return revoked
