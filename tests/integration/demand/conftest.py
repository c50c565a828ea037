"""One demand service for the module (its own database), a tap on its output topics, a client.

Topics are shared by every test on the session broker, so each test uses its own
manufacturer id and reads only what concerns it.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.demand.app import create_api, create_service
from shared import topics
from shared.service import Service
from shared.settings import ServiceSettings
from tests.integration.demand.tap import Tap
from tests.support.access import ADMIN, BOOTSTRAP_ENV
from tests.support.databases import fresh_database
from tests.support.kafka import start_group_at_end
from vault.infra.launcher import Endpoints


@pytest.fixture(scope="module")
async def demand_database(infra: Endpoints) -> AsyncIterator[str]:
    async with fresh_database(infra, "t_demand_") as url:
        yield url


@pytest.fixture(scope="module")
async def demand(infra: Endpoints, demand_database: str) -> AsyncIterator[Service]:
    settings = ServiceSettings(
        kafka_bootstrap_servers=infra.bootstrap_servers,
        database_url=demand_database,
        outbox_poll_s=0.1,
        bootstrap_keys=BOOTSTRAP_ENV,
    )
    service = create_service(settings)
    await start_group_at_end(
        infra.bootstrap_servers, "demand", (topics.DEMAND_INTAKE, topics.INVENTORY_REPLENISHMENTS)
    )
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


@pytest.fixture(scope="module")
async def tap(infra: Endpoints, demand: Service) -> AsyncIterator[Tap]:
    # Started after the service, which creates the topics it reads.
    tap = Tap(infra.bootstrap_servers, [topics.DEMAND_OUTCOMES, topics.PROCUREMENT_REQUESTED])
    await tap.start()
    try:
        yield tap
    finally:
        await tap.stop()


@pytest.fixture(scope="module")
async def producer(infra: Endpoints) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(
        bootstrap_servers=infra.bootstrap_servers, acks="all", enable_idempotence=True
    )
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


@pytest.fixture
async def client(demand: Service) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_api(demand))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://demand", headers=ADMIN
    ) as client:
        yield client


@pytest.fixture
def manufacturer() -> str:
    """A manufacturer id no other test uses: what a test reads back is its own."""
    return f"mfr-{uuid.uuid4().hex[:10]}"
