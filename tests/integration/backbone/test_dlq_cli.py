"""`vault dlq list|replay` against the real broker."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from aiokafka import AIOKafkaProducer

from shared.dlq import list_dead_letters
from tests.support.kafka import read_all
from tests.support.toy import toy_service
from tests.support.waiting import eventually


async def _vault(bootstrap: str, *args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "vault.cli",
        *args,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap},
    )
    out, _ = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def test_dead_letters_are_listed_with_their_reason_and_replayed_to_the_original_topic(
    bootstrap: str, database_url: str, topic: str
) -> None:
    service = toy_service(
        "toy", source=topic, forward_to=None, bootstrap=bootstrap, database_url=database_url
    )
    await service.start()
    try:
        producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, acks="all", enable_idempotence=True
        )
        await producer.start()
        try:
            await producer.send_and_wait(topic, b"garbage", key=b"k1")
        finally:
            await producer.stop()

        async def dead_lettered() -> bool:
            return len(await list_dead_letters(bootstrap, topic, timeout_s=2)) == 1

        await eventually(dead_lettered)
    finally:
        await service.stop()

    code, out = await _vault(bootstrap, "dlq", "list", topic)
    assert code == 0
    [entry] = [json.loads(line) for line in out.splitlines()]
    assert (entry["reason"], entry["key"], entry["value"]) == ("malformed", "k1", "garbage")

    code, out = await _vault(bootstrap, "dlq", "replay", topic, "--at", entry["at"])
    assert (code, out.strip()) == (0, f"replayed 1 dead letter(s) to {topic}")
    values = [v for _, v in await read_all(bootstrap, topic, 2)]
    assert values == [b"garbage", b"garbage"]

    code, out = await _vault(bootstrap, "dlq", "replay", topic, "--at", "9:999")
    assert code == 2
