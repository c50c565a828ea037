"""Try a Kafka action as a principal and say exactly how it was refused (or that it was not)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.client import AIOKafkaClient
from aiokafka.conn import create_conn
from aiokafka.errors import for_code
from aiokafka.protocol.metadata import MetadataRequest

from shared.kafka_security import KafkaSecurity, client_kwargs

TIMEOUT_S = 20.0


async def authenticate(bootstrap: str, security: KafkaSecurity) -> None:
    """One connection to the first broker, SASL handshake included.

    The clients only log a failed handshake and then report that they could not
    bootstrap (``KafkaConnectionError``); a single connection raises the broker's own
    error, ``SaslAuthenticationFailed``, so a test can tell a refusal from an outage.
    """
    host, port = bootstrap.split(",")[0].rsplit(":", 1)
    async with asyncio.timeout(TIMEOUT_S):
        conn = await create_conn(
            host, int(port), request_timeout_ms=10_000, **client_kwargs(security)
        )
    conn.close()


@contextlib.asynccontextmanager
async def producer(bootstrap: str, security: KafkaSecurity) -> AsyncIterator[AIOKafkaProducer]:
    client = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=10_000,
        **client_kwargs(security),
    )
    async with asyncio.timeout(TIMEOUT_S):
        await client.start()
    try:
        yield client
    finally:
        await client.stop()


async def write(client: AIOKafkaProducer, topic: str) -> BaseException | None:
    """None if the broker acknowledged a record on ``topic``, else the error it answered."""
    try:
        async with asyncio.timeout(TIMEOUT_S):
            await client.send_and_wait(topic, b"acl-probe", headers=[("vault-test", b"acl")])
    except Exception as exc:
        return exc
    return None


async def metadata_error(
    bootstrap: str, security: KafkaSecurity, topic: str
) -> BaseException | None:
    """The error the broker answers for ``topic`` in a metadata request, if any.

    Without DESCRIBE on a topic the broker answers TOPIC_AUTHORIZATION_FAILED there,
    and aiokafka's consumer only logs it and waits: the answer itself is the refusal.
    """
    client = AIOKafkaClient(
        bootstrap_servers=bootstrap, request_timeout_ms=10_000, **client_kwargs(security)
    )
    try:
        async with asyncio.timeout(TIMEOUT_S):
            await client.bootstrap()
            answer = await client.send(
                client.get_random_node(), MetadataRequest([topic], allow_auto_topic_creation=False)
            )
    finally:
        await client.close()
    for entry in answer.topics:
        code, name = entry[0], entry[1]
        if name == topic and code:
            refused: BaseException = for_code(code)(topic)
            return refused
    return None


async def read(
    bootstrap: str, security: KafkaSecurity, topic: str, *, group: str | None = None
) -> BaseException | None:
    """None if a fetch of ``topic`` (in ``group``, or assigned without one) was allowed."""
    if group is None and (refused := await metadata_error(bootstrap, security, topic)):
        return refused
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        request_timeout_ms=10_000,
        session_timeout_ms=6_000,
        heartbeat_interval_ms=500,
        **client_kwargs(security),
    )
    try:
        async with asyncio.timeout(TIMEOUT_S):
            await consumer.start()
        if group is None:
            consumer.assign([TopicPartition(topic, 0)])
        else:
            consumer.subscribe([topic])
        # Two polls: the first may only join the group or fetch metadata.
        for _ in range(2):
            async with asyncio.timeout(TIMEOUT_S):
                await consumer.getmany(timeout_ms=1_000)
        if group is not None and not consumer.assignment():
            # aiokafka logs an unauthorised subscribed topic and assigns nothing, no error.
            return PermissionError(f"no partition of {topic} assigned in group {group}")
    except Exception as exc:
        return exc
    finally:
        await consumer.stop()
    return None
