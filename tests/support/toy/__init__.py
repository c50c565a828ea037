"""A toy service built on the backbone, so the backbone can be tested without the real services.

It credits accounts; an unknown account is an error no retry fixes (until ops add
the account), and each credit may be forwarded as a new event through the outbox.
"""

from __future__ import annotations

from decimal import Decimal

import structlog

from shared import outbox
from shared.consumer import Subscription, on
from shared.contracts.common import Event, PositiveAmount
from shared.db import Connection
from shared.envelope import Envelope, new_event
from shared.service import Service
from shared.settings import ServiceSettings

log = structlog.get_logger("toy")


class Credited(Event):
    """``toy.credited``: an account is credited. Tests send it on topics of their own."""

    EVENT_TYPE = "toy.credited"
    TOPIC = "toy.credits"

    account: str
    amount: PositiveAmount

    def partition_key(self) -> str:
        return self.account


class UnknownAccount(Exception):
    pass


def credited(
    account: str, amount: str, *, key: str | None = None, producer: str = "test"
) -> Envelope[Credited]:
    return new_event(Credited(account=account, amount=Decimal(amount)), key=key, producer=producer)


def toy_service(
    name: str,
    *,
    source: str,
    forward_to: str | None,
    bootstrap: str,
    database_url: str,
    configure_logging: bool = False,
    max_attempts: int = 5,
    backoff_s: float = 0.2,
) -> Service:
    async def on_credited(conn: Connection, event: Envelope[Credited]) -> None:
        updated = await conn.execute(
            "UPDATE accounts SET balance = balance + $2, applied = applied + 1 WHERE account = $1",
            event.payload.account,
            event.payload.amount,
        )
        if updated == "UPDATE 0":
            raise UnknownAccount(event.payload.account)
        await conn.execute(
            "INSERT INTO credits (account, amount, event_id) VALUES ($1, $2, $3)",
            event.payload.account,
            event.payload.amount,
            event.event_id,
        )
        log.info("credit_applied", account=event.payload.account, amount=str(event.payload.amount))
        if forward_to:
            forwarded = credited(
                event.payload.account, str(event.payload.amount), key=event.key, producer=name
            )
            await outbox.enqueue_to(conn, [(forward_to, forwarded)])

    settings = ServiceSettings(
        kafka_bootstrap_servers=bootstrap,
        database_url=database_url,
        outbox_poll_s=0.2,
        consumer_max_attempts=max_attempts,
        consumer_base_backoff_s=backoff_s,
    )
    return Service(
        name,
        subscriptions=[Subscription(source, [on(Credited, on_credited)])],
        topics=[t for t in (source, forward_to) if t],
        migrations=["tests.support.toy"],
        settings=settings,
        configure_logging=configure_logging,
        verifies_credentials=False,
    )
