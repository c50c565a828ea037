"""The ACL table agrees with the services' wiring and grants nothing beyond it."""

from __future__ import annotations

import importlib

import pytest

from shared import topics
from shared.contracts import DemandSubmitted, ReplenishmentRequested
from shared.settings import ServiceSettings
from vault.infra import acls
from vault.infra.acls import Binding


@pytest.mark.parametrize("name", acls.SERVICES)
def test_the_table_is_what_each_service_subscribes_to_and_emits(name: str) -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers="kafka:9092", database_url="postgresql://x/y"
    )
    service = importlib.import_module(f"services.{name}.app").create_service(settings)
    assert acls.access_of(service) == acls.SERVICE_IO[name].access()


def test_every_topic_read_by_a_service_is_written_by_some_principal() -> None:
    access = acls.service_access()
    written = set().union(*(a.writes for a in access.values()))
    # Outside the services: manufacturers write the intake, ops the phases.
    # Access issues the credentials every service with an API reads (its own service).
    written |= {topics.DEMAND_INTAKE, topics.PROGRAM_PHASES, topics.PROGRAM_CREDENTIALS}
    # An external price system feeds treasury's reference prices (as vault-ops for now).
    written |= {topics.MARKET_REFERENCE_PRICES}
    read = set().union(*(a.reads for a in access.values()))
    assert read <= written
    assert written <= set(topics.ALL)


def test_each_topic_has_one_service_writer_at_most() -> None:
    writers: dict[str, list[str]] = {}
    for name, access in acls.service_access().items():
        for topic in access.writes:
            writers.setdefault(topic, []).append(name)
    assert {t: w for t, w in writers.items() if len(w) > 1} == {}


def test_the_replenishments_topic_is_inventorys_alone_and_demand_reads_it() -> None:
    access = acls.service_access()
    # Derived from the contract: replenishment.requested travels there, and only inventory
    # emits it, so what demand reads there is inventory's.
    assert ReplenishmentRequested.TOPIC == topics.INVENTORY_REPLENISHMENTS
    assert acls.writers_of(topics.INVENTORY_REPLENISHMENTS) == ["inventory"]
    assert topics.INVENTORY_REPLENISHMENTS in access["demand"].reads
    # Inventory's replenishment demand no longer goes to the manufacturers' intake.
    assert topics.DEMAND_INTAKE not in access["inventory"].writes
    assert DemandSubmitted.TOPIC == topics.DEMAND_INTAKE


def test_a_service_reads_in_its_own_group_writes_its_dead_letters_and_creates_nothing() -> None:
    # (demand's prefixed grants on the manufacturers' own intakes are checked below.)
    for name in acls.SERVICES:
        grants = acls.bindings_for(name)
        assert [b for b in grants if b.resource_type == "GROUP"] == [Binding("GROUP", name, "READ")]
        prefixed = [b for b in grants if b.pattern != "LITERAL"]
        assert all(b.name == topics.INTAKE_OF_PREFIX for b in prefixed)
        assert not prefixed or name == "demand"
        assert not [b for b in grants if b.operation in ("CREATE", "IDEMPOTENT_WRITE")]
        assert not [b for b in grants if b.resource_type == "CLUSTER"]
        for topic in acls.service_access()[name].reads:
            assert Binding("TOPIC", topics.dead_letter_topic(topic), "WRITE") in grants


def test_an_intake_principal_may_write_its_own_intake_and_nothing_else() -> None:
    assert acls.bindings_for(acls.intake_principal("acme")) == [
        Binding("TOPIC", "vault.demand.from.acme", "WRITE")
    ]


def test_demand_reads_every_manufacturers_own_intake_and_dead_letters_there() -> None:
    grants = acls.bindings_for("demand")
    assert Binding("TOPIC", topics.INTAKE_OF_PREFIX, "READ", "PREFIXED") in grants
    assert Binding("TOPIC", topics.INTAKE_OF_PREFIX, "WRITE", "PREFIXED") in grants
    assert topics.intake_sender("vault.demand.from.acme") == "acme"
    assert topics.intake_sender("vault.demand.from.acme.dlq") is None
    assert topics.intake_sender(topics.DEMAND_INTAKE) is None
    assert topics.contract_topic("vault.demand.from.acme") == topics.DEMAND_INTAKE


@pytest.mark.parametrize("bad", ["", "-acme", "a b", "acme/x", "x" * 64, "acme\n", "acme.dlq"])
def test_manufacturer_names_that_would_not_make_a_plain_principal_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="manufacturer"):
        acls.intake_principal(bad)


def test_console_reads_and_never_writes() -> None:
    assert {b.operation for b in acls.bindings_for(acls.CONSOLE)} == {"READ"}


def test_unknown_principals_get_no_acls_by_accident() -> None:
    with pytest.raises(ValueError, match="no ACLs"):
        acls.bindings_for("sourcing2")


def test_the_launcher_creates_every_topic_and_its_dead_letters() -> None:
    every = acls.all_topics()
    assert len(every) == len(set(every)) == 2 * len(topics.ALL)


def test_only_access_writes_the_credentials_topic_not_even_ops() -> None:
    writers = [
        principal
        for principal in acls.managed_principals([acls.intake_principal("acme")])
        if any(
            b.operation == "WRITE"
            and (
                b.name == topics.PROGRAM_CREDENTIALS
                or (b.pattern == "PREFIXED" and topics.PROGRAM_CREDENTIALS.startswith(b.name))
            )
            for b in acls.bindings_for(principal)
        )
    ]
    assert writers == ["access"]
