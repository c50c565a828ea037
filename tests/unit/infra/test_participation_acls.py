"""Issue 16: participation's demand topic is participation's alone, and demand reads it."""

from __future__ import annotations

from shared import topics
from shared.contracts import AgreementSet, CommitmentDemanded, DisruptionDeclared
from vault.infra import acls
from vault.infra.acls import Binding


def test_only_participation_writes_the_commitment_demand_that_demand_reads() -> None:
    assert CommitmentDemanded.TOPIC == topics.PARTICIPATION_DEMAND
    assert acls.writers_of(topics.PARTICIPATION_DEMAND) == ["participation"]
    assert topics.PARTICIPATION_DEMAND in acls.service_access()["demand"].reads
    grants = acls.bindings_for("participation")
    assert Binding("TOPIC", topics.PARTICIPATION_DEMAND, "WRITE") in grants
    assert Binding("TOPIC", topics.PARTICIPATION_DEMAND, "WRITE") not in acls.bindings_for("demand")


def test_inventory_learns_the_rights_it_enforces_from_participation_alone() -> None:
    access = acls.service_access()
    for contract in (AgreementSet, DisruptionDeclared):
        assert contract.TOPIC in access["inventory"].reads
        assert acls.writers_of(contract.TOPIC) == ["participation"]
