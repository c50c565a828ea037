"""The secure profile on a real broker: each principal reaches what is its own, and only that.

Every refusal is asserted by its exact kind: a topic refused is
``TopicAuthorizationFailedError``, a group ``GroupAuthorizationFailedError``, a bad
credential ``SaslAuthenticationFailed``; anything else (a timeout, a lost connection)
fails the test, so an outage cannot pass for a refusal.
"""

from __future__ import annotations

import pytest
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
)

from shared import topics
from shared.kafka_security import KafkaSecurity
from tests.support.infra import SecureKafka
from tests.support.kafka_access import authenticate, producer, read, write
from vault.infra import acls

EVERY_TOPIC = acls.all_topics()


def _owned_by(service: str) -> set[str]:
    """What a service may write: its emitted topics, and the dead letters of what it reads."""
    access = acls.service_access()[service]
    return set(access.writes) | {topics.dead_letter_topic(t) for t in access.reads}


def _refusals(outcomes: dict[str, BaseException | None], kind: type[Exception]) -> list[str]:
    """The topics whose outcome was not a refusal of exactly ``kind``."""
    return [f"{t}: {outcome!r}" for t, outcome in outcomes.items() if type(outcome) is not kind]


async def test_every_topic_and_dead_letter_topic_exists_before_any_service_starts(
    secure_kafka: SecureKafka,
) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    from shared.kafka_security import client_kwargs

    admin = AIOKafkaAdminClient(
        bootstrap_servers=secure_kafka.bootstrap, **client_kwargs(secure_kafka.admin())
    )
    await admin.start()
    try:
        assert set(EVERY_TOPIC) <= set(await admin.list_topics())
    finally:
        await admin.close()


async def test_an_intake_principal_writes_its_own_intake_and_no_other_topic(
    secure_kafka: SecureKafka,
) -> None:
    """Not the shared intake, nor another manufacturer's: the topic a demand arrives on
    says who sent it (demand dead-letters one naming anyone else)."""
    intake = secure_kafka.add_intake("acme-writes")
    secure_kafka.add_intake("rival-writes")
    own = topics.intake_of("acme-writes")
    elsewhere = [
        *EVERY_TOPIC,
        topics.intake_of("rival-writes"),
        topics.dead_letter_topic(own),
    ]
    async with producer(secure_kafka.bootstrap, intake) as client:
        assert await write(client, own) is None
        others = {t: await write(client, t) for t in elsewhere}
    assert topics.DEMAND_INTAKE in others
    assert len(others) == 2 * len(topics.ALL) + 2
    assert _refusals(others, TopicAuthorizationFailedError) == []


async def test_an_intake_principal_reads_no_topic_not_even_the_intake_or_the_outcomes(
    secure_kafka: SecureKafka,
) -> None:
    intake = secure_kafka.add_intake("acme-reads")
    own = topics.intake_of("acme-reads")
    outcomes = {t: await read(secure_kafka.bootstrap, intake, t) for t in [*EVERY_TOPIC, own]}
    assert topics.DEMAND_OUTCOMES in outcomes
    assert _refusals(outcomes, TopicAuthorizationFailedError) == []
    # Nor may it join a group, its own name's or demand's.
    for group in ("intake-acme-reads", "demand"):
        refused = await read(secure_kafka.bootstrap, intake, topics.DEMAND_OUTCOMES, group=group)
        assert type(refused) is GroupAuthorizationFailedError, (group, refused)


@pytest.mark.parametrize("service", acls.SERVICES)
async def test_a_service_writes_the_topics_it_owns_and_is_refused_every_other(
    secure_kafka: SecureKafka, service: str
) -> None:
    owned = _owned_by(service)
    async with producer(secure_kafka.bootstrap, secure_kafka.security(service)) as client:
        allowed = {t: await write(client, t) for t in sorted(owned)}
        refused = {t: await write(client, t) for t in EVERY_TOPIC if t not in owned}
    assert {t: e for t, e in allowed.items() if e is not None} == {}
    assert refused
    assert _refusals(refused, TopicAuthorizationFailedError) == []


@pytest.mark.parametrize("service", acls.SERVICES)
async def test_a_service_reads_in_its_own_group_and_is_refused_every_other_group(
    secure_kafka: SecureKafka, service: str
) -> None:
    security = secure_kafka.security(service)
    topic = sorted(acls.service_access()[service].reads)[0]
    assert await read(secure_kafka.bootstrap, security, topic, group=service) is None
    for other in (s for s in acls.SERVICES if s != service):
        refused = await read(secure_kafka.bootstrap, security, topic, group=other)
        assert type(refused) is GroupAuthorizationFailedError, (other, refused)


@pytest.mark.parametrize("service", acls.SERVICES)
async def test_a_service_reads_only_the_topics_it_subscribes_to(
    secure_kafka: SecureKafka, service: str
) -> None:
    reads = acls.service_access()[service].reads
    security = secure_kafka.security(service)
    outcomes = {t: await read(secure_kafka.bootstrap, security, t) for t in EVERY_TOPIC}
    assert {t: e for t, e in outcomes.items() if t in reads and e is not None} == {}
    others = {t: e for t, e in outcomes.items() if t not in reads}
    assert _refusals(others, TopicAuthorizationFailedError) == []


async def test_a_wrong_password_and_an_unknown_user_are_refused_at_authentication(
    secure_kafka: SecureKafka,
) -> None:
    good = secure_kafka.security("demand")
    await authenticate(secure_kafka.bootstrap, good)
    for bad in (
        KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-512", "demand", (good.password or "") + "x"),
        KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-512", "nobody", "whatever-it-is"),
        # admin's password is not any other principal's.
        KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-512", "demand", secure_kafka.admin().password),
    ):
        with pytest.raises(SaslAuthenticationFailed):
            await authenticate(secure_kafka.bootstrap, bad)


async def test_a_removed_intake_principal_is_refused_and_its_open_connection_writes_nothing(
    secure_kafka: SecureKafka,
) -> None:
    intake = secure_kafka.add_intake("acme-leaves")
    own = topics.intake_of("acme-leaves")
    async with producer(secure_kafka.bootstrap, intake) as client:
        assert await write(client, own) is None
        secure_kafka.remove("intake-acme-leaves")
        # The connection stays authenticated, but every request is authorised anew.
        assert type(await write(client, own)) is TopicAuthorizationFailedError
    with pytest.raises(SaslAuthenticationFailed):
        await authenticate(secure_kafka.bootstrap, intake)


async def test_a_rotated_password_works_and_the_old_one_no_longer_does(
    secure_kafka: SecureKafka,
) -> None:
    old = secure_kafka.add_intake("acme-rotates")
    new = secure_kafka.rotate("intake-acme-rotates")
    assert new.password != old.password
    await authenticate(secure_kafka.bootstrap, new)
    with pytest.raises(SaslAuthenticationFailed):
        await authenticate(secure_kafka.bootstrap, old)
    async with producer(secure_kafka.bootstrap, new) as client:
        assert await write(client, topics.intake_of("acme-rotates")) is None
