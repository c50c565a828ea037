"""A toy service built on the backbone, so the backbone can be tested without the real services.

It credits accounts; an unknown account is an error no retry fixes (until ops add
the account), and each credit may be forwarded as a new event through the outbox.
"""

from __future__ import annotations

from decimal import Decimal

import structlog
from faststream.kafka import KafkaRouter

from shared import outbox
from shared.consumer import Tx, subscription
from shared.contracts.common import Contract, PositiveAmount
from shared.envelope import Envelope, new_event
from shared.service import Service
from shared.settings import ServiceSettings

log = structlog.get_logger("toy")


class Credited(Contract):
    account: str
    amount: PositiveAmount


class UnknownAccount(Exception):
    pass


def credited(
    account: str, amount: str, *, key: str | None = None, producer: str = "test"
) -> Envelope[Credited]:
    return new_event(
        "toy.credited",
        Credited(account=account, amount=Decimal(amount)),
        key=key or account,
        producer=producer,
    )


def toy_service(
    name: str,
    *,
    source: str,
    forward_to: str | None,
    bootstrap: str,
    database_url: str,
    configure_logging: bool = False,
) -> Service:
    router = KafkaRouter()

    @router.subscriber(source, **subscription(name))
    async def on_credited(event: Envelope[Credited], conn: Tx) -> None:
        updated = await conn.execute(
            "UPDATE accounts SET balance = balance + $2, applied = applied + 1 WHERE account = $1",
            event.payload.account,
            event.payload.amount,
        )
        if updated == "UPDATE 0":
            raise UnknownAccount(event.payload.account)
        log.info("credit_applied", account=event.payload.account, amount=str(event.payload.amount))
        if forward_to:
            await outbox.enqueue(
                conn,
                [
                    (
                        forward_to,
                        credited(
                            event.payload.account,
                            str(event.payload.amount),
                            key=event.key,
                            producer=name,
                        ),
                    )
                ],
            )

    settings = ServiceSettings(
        kafka_bootstrap_servers=bootstrap, database_url=database_url, outbox_poll_s=0.2
    )
    return Service(
        name,
        routers=[router],
        topics=[t for t in (source, forward_to) if t],
        migrations=["tests.support.toy"],
        settings=settings,
        configure_logging=configure_logging,
    )
