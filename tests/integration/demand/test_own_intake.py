"""A manufacturer's own intake (vault.demand.from.<M>): only M's principal may write it
(tests/integration/security), so demand takes from it demands in M's name only; one naming
another manufacturer is an impersonation attempt, dead-lettered, never answered."""

from __future__ import annotations

import asyncio
import uuid

from aiokafka import AIOKafkaProducer

from services.demand.app import create_service
from services.demand.settings import DemandSettings
from shared import topics
from shared.codec import encode
from shared.dlq import list_dead_letters
from shared.envelope import RawEnvelope
from tests.integration.demand.intake import demand_fields, submitted
from tests.integration.demand.tap import Tap
from tests.support.access import BOOTSTRAP_ENV
from tests.support.kafka import start_group_at_end
from vault.infra.launcher import Endpoints


async def test_a_demand_on_a_manufacturers_own_intake_naming_another_is_dead_lettered(
    infra: Endpoints, database_url: str
) -> None:
    me, victim = f"mfr-{uuid.uuid4().hex[:8]}", f"mfr-{uuid.uuid4().hex[:8]}"
    own = topics.intake_of(me)
    service = create_service(
        DemandSettings(
            kafka_bootstrap_servers=infra.bootstrap_servers,
            database_url=database_url,
            outbox_poll_s=0.1,
            bootstrap_keys=BOOTSTRAP_ENV,
            intake_manufacturers=me,
        )
    )
    assert own in service.topics
    service.configure_logging = False
    reads = tuple(dict.fromkeys(s.topic for s in service.subscriptions if s.topic != own))
    await start_group_at_end(infra.bootstrap_servers, "demand", reads)
    await service.start()
    tap = Tap(infra.bootstrap_servers, [topics.DEMAND_OUTCOMES])
    await tap.start()
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers, acks="all")
    await producer.start()
    try:
        impostor = submitted(demand_fields(victim, "PO-1"))
        honest = submitted(demand_fields(me, "PO-1"))
        for event in (impostor, honest):
            await producer.send_and_wait(own, encode(event), key=event.key.encode())

        def mine(event: RawEnvelope) -> bool:
            return event.payload.get("manufacturer_id") in (me, victim)

        [answer] = await tap.wait_for(topics.DEMAND_OUTCOMES, mine)
        assert (answer.type, answer.payload["manufacturer_id"]) == ("demand.accepted", me)
        letters = []
        for _ in range(40):
            letters = [
                d
                for d in await list_dead_letters(infra.bootstrap_servers, own)
                if victim.encode() in d.value
            ]
            if letters:
                break
            await asyncio.sleep(0.25)
        [letter] = letters
        assert letter.reason == "manufacturer_not_sender"
        assert victim in letter.error
        await asyncio.sleep(0.5)
        # Nothing was answered, stored or procured in the victim's name.
        assert (
            tap.events(topics.DEMAND_OUTCOMES, lambda e: e.payload.get("manufacturer_id") == victim)
            == []
        )
        assert (
            await service.pool.fetchval(
                "SELECT count(*) FROM demands WHERE manufacturer_id = $1", victim
            )
            == 0
        )
    finally:
        await producer.stop()
        await tap.stop()
        await service.stop()
