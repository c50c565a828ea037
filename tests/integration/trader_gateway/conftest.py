"""One gateway for the package: real broker and database, HTTP through ASGI in-process.

Started once (consumer-group joins and migrations cost seconds); tests stay apart
by using their own traders, legs and orders (uuids), never shared rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.trader_gateway.app import create_api, create_service
from services.trader_gateway.settings import GatewaySettings
from shared.settings import ServiceSettings
from tests.integration.trader_gateway.harness import Gateway, Recorder
from tests.support.access import BOOTSTRAP_ENV
from tests.support.databases import fresh_database
from vault.infra.launcher import Endpoints


def gateway_settings(**changes: object) -> GatewaySettings:
    values: dict[str, object] = {
        # Tests fire many requests per key and per address; the limits have their own test.
        "rate_per_second": Decimal(10_000),
        "rate_burst": 10_000,
        "auth_failure_burst": 10_000,
    }
    values.update(changes)
    return GatewaySettings.model_validate(values)


@pytest.fixture(scope="package")
async def gateway_database(infra: Endpoints) -> AsyncIterator[str]:
    async with fresh_database(infra, "t_gateway_") as url:
        yield url


@pytest.fixture(scope="package")
async def gateway(infra: Endpoints, gateway_database: str) -> AsyncIterator[Gateway]:
    service = create_service(
        ServiceSettings(
            kafka_bootstrap_servers=infra.bootstrap_servers,
            database_url=gateway_database,
            outbox_poll_s=0.2,
            bootstrap_keys=BOOTSTRAP_ENV,
            # These tests read what the service committed to emit: published rows stay.
            outbox_retention_s=86_400,
        ),
        gateway_settings(),
    )
    await service.start()
    api = create_api(service)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://gateway")
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers, acks="all")
    await producer.start()
    recorder = Recorder(infra.bootstrap_servers)
    await recorder.start(sorted({contract.TOPIC for contract in service.emits}))
    try:
        yield Gateway(service, api, client, producer, recorder)
    finally:
        await recorder.stop()
        await producer.stop()
        await client.aclose()
        await service.stop()
