"""Logs follow an order across hops; health and metrics answer."""

from __future__ import annotations

import io
import json

import httpx
from aiokafka import AIOKafkaProducer

from shared.codec import encode
from shared.logging import configure_logging
from tests.support.toy import credited, toy_service
from tests.support.waiting import eventually


async def test_a_correlation_id_set_at_the_first_event_appears_in_the_log_lines_of_every_hop(
    bootstrap: str, database_url: str, topic: str
) -> None:
    lines = io.StringIO()
    configure_logging("tests", fmt="json", stream=lines)
    hop_topic = topic + ".forwarded"
    first = toy_service(
        "first-hop",
        source=topic,
        forward_to=hop_topic,
        bootstrap=bootstrap,
        database_url=database_url,
    )
    second = toy_service(
        "second-hop",
        source=hop_topic,
        forward_to=None,
        bootstrap=bootstrap,
        database_url=database_url,
    )
    for service in (first, second):
        await service.start()
        await service.pool.execute("INSERT INTO accounts (account) VALUES ('ord-42')")
    try:
        event = credited("ord-42", "3")
        producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, acks="all", enable_idempotence=True
        )
        await producer.start()
        try:
            await producer.send_and_wait(topic, encode(event), key=b"ord-42")
        finally:
            await producer.stop()

        async def both_hops_applied() -> bool:
            return bool(await second.pool.fetchval("SELECT applied FROM accounts") == 1)

        await eventually(both_hops_applied)
    finally:
        for service in (first, second):
            await service.stop()

    records = [json.loads(line) for line in lines.getvalue().splitlines() if line.startswith("{")]
    applied = [r for r in records if r.get("event") == "credit_applied"]
    assert {r["service"] for r in applied} == {"first-hop", "second-hop"}
    assert {r["correlation_id"] for r in applied} == {str(event.event_id)}
    assert {r["order_id"] for r in applied} == {"ord-42"}
    second_hop = next(r for r in applied if r["service"] == "second-hop")
    assert second_hop["event_id"] != str(event.event_id)  # a new event, the same story


async def test_health_and_metrics_answer_over_http(
    bootstrap: str, database_url: str, topic: str
) -> None:
    service = toy_service(
        "toy", source=topic, forward_to=None, bootstrap=bootstrap, database_url=database_url
    )
    await service.start()
    try:
        await service.pool.execute("INSERT INTO accounts (account) VALUES ('m-1')")
        producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, acks="all", enable_idempotence=True
        )
        await producer.start()
        try:
            await producer.send_and_wait(topic, encode(credited("m-1", "1")), key=b"m-1")
        finally:
            await producer.stop()

        async def consumed() -> bool:
            return bool(await service.pool.fetchval("SELECT count(*) FROM inbox") == 1)

        await eventually(consumed)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service.asgi()), base_url="http://toy"
        ) as http:
            live = await http.get("/health/live")
            ready = await http.get("/health/ready")
            metrics = await http.get("/metrics")
    finally:
        await service.stop()
    assert live.status_code == 200
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["checks"]) == {"database", "broker", "outbox", "consumer"}
    assert ready.json()["checks"]["outbox"]["detail"]["backlog"] == 0
    assert "vault_outbox_backlog" in metrics.text
    assert (
        f'vault_messages_in_total{{outcome="processed",service="toy",topic="{topic}"}} 1.0'
        in metrics.text
    )
    assert "vault_consumer_lag{partition=" in metrics.text
    assert "vault_handler_seconds_count" in metrics.text
