"""Who may do what on Kafka in the secure profile: one principal per service, ops, console, intake.

The table is derived, not copied: a service writes the topics of the events it emits
(each contract's ``TOPIC``) and reads the topics it subscribes to. A topic one service
alone writes is therefore attested by the ACLs: ``vault.inventory.replenishments``
carries ``replenishment.requested``, which only inventory emits, so a replenishment
read there is inventory's whatever its payload says. ``access_of`` derives it from a ``Service`` object;
``SERVICE_IO`` states the same facts for the launcher, which must not import the
services (they pull in FastAPI, their databases' code, and change under us), and
``tests/unit/infra/test_acls.py`` checks one against the other for every service.

What each grant is for:
- READ on a topic it reads, and on its consumer group (its own name): nothing else's;
- WRITE on the topics it emits to, and on ``<topic>.dlq`` of each topic it reads (its
  consumer dead-letters there);
- DESCRIBE on ``<topic>.dlq`` of the topics it writes: ``ensure_topics`` at start-up
  checks those exist (the launcher created them), and without DESCRIBE they would look
  missing and it would try, and fail, to create them;
- no CREATE: the launcher creates every topic (``all_topics``) before any service
  starts, so no service chooses a topic's partitions or retention;
- no IDEMPOTENT_WRITE on the cluster: since Kafka 3.0 (KIP-679) WRITE on a topic is
  enough for an idempotent producer, and Kafka 4.4 was seen to take it so.
READ and WRITE imply DESCRIBE (Kafka's rule), so DESCRIBE is granted on its own only
where nothing else is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from shared import topics
from shared.contracts import (
    CredentialIssued,
    CredentialRevoked,
    DemandAccepted,
    DemandConflict,
    DemandRejected,
    Event,
    FillConfirmed,
    FillRecorded,
    HoldingsUpdated,
    LegCancelRequested,
    LegClosed,
    LegRouted,
    OfferPublished,
    OfferWithdrawn,
    OrderStatusChanged,
    ProcurementRequested,
    ReleasePerformed,
    ReplenishmentRequested,
    TraderRegistered,
)
from shared.contracts.participation import (
    AgreementSet,
    CommitmentDemanded,
    DisruptionDeclared,
    DisruptionEnded,
    ObligationClosed,
    ObligationCreated,
)
from shared.contracts.treasury import (
    AnnualCeilingSet,
    FundingSourceSet,
    PriceToleranceSet,
    ReferencePriceSet,
)

if TYPE_CHECKING:
    from shared.service import Service

ResourceType = Literal["TOPIC", "GROUP", "CLUSTER"]
Operation = Literal["READ", "WRITE", "DESCRIBE", "CREATE", "IDEMPOTENT_WRITE"]
Pattern = Literal["LITERAL", "PREFIXED"]

SERVICES = (
    "demand",
    "sourcing",
    "trader_gateway",
    "inventory",
    "access",
    "participation",
    "treasury",
)
ADMIN = "admin"  # the launcher's super user: inter-broker traffic, credentials, ACLs, topics
OPS = "vault-ops"  # the `vault` command: program commands, demand via Kafka, dead-letter replay
CONSOLE = "console"  # read-only views (later)
INTAKE_PREFIX = "intake-"
VAULT_PREFIX = "vault."
_MANUFACTURER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


@dataclass(frozen=True, order=True)
class Binding:
    resource_type: ResourceType
    name: str
    operation: Operation
    pattern: Pattern = "LITERAL"

    def as_json(self) -> dict[str, str]:
        return {
            "resource_type": self.resource_type,
            "name": self.name,
            "operation": self.operation,
            "pattern": self.pattern,
        }


@dataclass(frozen=True)
class Access:
    """The topics a service reads and the topics it writes."""

    reads: frozenset[str]
    writes: frozenset[str]


@dataclass(frozen=True)
class ServiceIO:
    """A service's subscriptions and the contracts it emits, as its ``app.py`` wires them."""

    reads: tuple[str, ...]
    emits: tuple[type[Event], ...]

    def access(self) -> Access:
        return Access(frozenset(self.reads), frozenset(e.TOPIC for e in self.emits))


# The services' wiring (create_service in services/<name>/app.py), checked by a test.
SERVICE_IO: Mapping[str, ServiceIO] = {
    "demand": ServiceIO(
        reads=(
            topics.DEMAND_INTAKE,
            topics.INVENTORY_REPLENISHMENTS,
            topics.PROGRAM_CREDENTIALS,
            topics.PARTICIPATION_DEMAND,  # issue 16
        ),
        emits=(DemandAccepted, DemandRejected, DemandConflict, ProcurementRequested),
    ),
    "sourcing": ServiceIO(
        reads=(
            topics.PROCUREMENT_REQUESTED,
            topics.TRADER_LEGS,
            topics.TRADER_OFFERS,
            topics.PROGRAM_PHASES,
            topics.PROGRAM_TRADERS,
            topics.PROGRAM_CREDENTIALS,
            topics.TREASURY_CEILINGS,  # annual ceilings (issue 17)
        ),
        emits=(LegRouted, LegCancelRequested, OrderStatusChanged, FillRecorded),
    ),
    "trader_gateway": ServiceIO(
        # issue 17: treasury's reference prices and tolerances check every fill.
        reads=(topics.SOURCING_LEGS, topics.PROGRAM_CREDENTIALS, topics.TREASURY_PRICES),
        emits=(FillConfirmed, LegClosed, OfferPublished, OfferWithdrawn, TraderRegistered),
    ),
    "inventory": ServiceIO(
        reads=(
            topics.SOURCING_ORDERS,
            topics.PROGRAM_CREDENTIALS,
            topics.PARTICIPATION_AGREEMENTS,  # issue 16
            topics.PARTICIPATION_DISRUPTIONS,  # issue 16
        ),
        emits=(HoldingsUpdated, ReleasePerformed, ReplenishmentRequested),
    ),
    # issue 16: the book of participation; alone writes vault.participation.demand
    "participation": ServiceIO(
        reads=(
            topics.PROGRAM_CREDENTIALS,
            topics.INVENTORY_HOLDINGS,
            topics.INVENTORY_RELEASES,
            topics.PROCUREMENT_REQUESTED,
            topics.SOURCING_ORDERS,
        ),
        emits=(
            AgreementSet,
            DisruptionDeclared,
            DisruptionEnded,
            CommitmentDemanded,
            ObligationCreated,
            ObligationClosed,
        ),
    ),
    # treasury (issue 17)
    "treasury": ServiceIO(
        reads=(
            topics.SOURCING_LEGS,
            topics.TRADER_LEGS,
            topics.SOURCING_ORDERS,
            topics.INVENTORY_HOLDINGS,
            topics.MARKET_REFERENCE_PRICES,
            topics.PROGRAM_CREDENTIALS,
        ),
        emits=(ReferencePriceSet, PriceToleranceSet, AnnualCeilingSet, FundingSourceSet),
    ),
    # The one writer of vault.program.credentials: every key any service accepts.
    "access": ServiceIO(
        reads=(topics.PROGRAM_CREDENTIALS,),
        emits=(CredentialIssued, CredentialRevoked),
    ),
}


def access_of(service: Service) -> Access:
    """What a built service reads and writes, from its subscriptions and ``emits``."""
    return Access(
        frozenset(s.topic for s in service.subscriptions),
        frozenset(e.TOPIC for e in service.emits),
    )


def service_access() -> dict[str, Access]:
    """Every service's access, as its wiring says."""
    return {name: SERVICE_IO[name].access() for name in SERVICES}


def writers_of(topic: str) -> list[str]:
    """The services the ACLs let write ``topic`` (one at most: a test keeps it so)."""
    return sorted(name for name, access in service_access().items() if topic in access.writes)


def service_bindings(name: str, access: Access) -> list[Binding]:
    grants: set[Binding] = set()
    for topic in access.reads:
        grants.add(Binding("TOPIC", topic, "READ"))
        grants.add(Binding("TOPIC", topics.dead_letter_topic(topic), "WRITE"))
    if access.reads:
        grants.add(Binding("GROUP", name, "READ"))
    for topic in access.writes:
        grants.add(Binding("TOPIC", topic, "WRITE"))
        dlq = topics.dead_letter_topic(topic)
        if Binding("TOPIC", dlq, "WRITE") not in grants:
            grants.add(Binding("TOPIC", dlq, "DESCRIBE"))
    return sorted(grants)


def ops_bindings() -> list[Binding]:
    # Replaying a dead letter writes it back to its original topic, any of them: ops is
    # trusted with every Vault topic but one, with no creation and no cluster action.
    # vault.program.credentials is access's alone: a key any service accepts is issued
    # by access, never forged by another principal (there are no DENY bindings, so WRITE
    # is granted topic by topic instead of by prefix). DESCRIBE on groups: how far a
    # service has read (the demo waits on it; lag), never to join one.
    writable = [t for t in all_topics() if t != topics.PROGRAM_CREDENTIALS]
    return [
        Binding("TOPIC", VAULT_PREFIX, "READ", "PREFIXED"),
        *(Binding("TOPIC", t, "WRITE") for t in sorted(writable)),
        Binding("GROUP", "*", "DESCRIBE"),
    ]


def console_bindings() -> list[Binding]:
    return [
        Binding("TOPIC", VAULT_PREFIX, "READ", "PREFIXED"),
        Binding("GROUP", CONSOLE, "READ", "PREFIXED"),
    ]


def intake_principal(manufacturer: str) -> str:
    # Not "<x>.dlq": its own intake would be x's intake's dead letters.
    if not _MANUFACTURER.fullmatch(manufacturer) or manufacturer.endswith(topics.DLQ_SUFFIX):
        raise ValueError(
            f"manufacturer {manufacturer!r}: letters, digits, '.', '_' and '-', at most 63"
        )
    return INTAKE_PREFIX + manufacturer


def intake_bindings(manufacturer: str) -> list[Binding]:
    # Write its own intake, read nothing: outcomes carry every manufacturer's answers on
    # one topic, so READ there would show each manufacturer the others'. Answers are read
    # through demand's HTTP API instead. Its own intake only (not the shared one, not
    # another's): the topic a demand arrives on says who sent it, and demand takes from
    # vault.demand.from.<M> only demands in M's name (an impersonation is dead-lettered).
    return [Binding("TOPIC", topics.intake_of(manufacturer), "WRITE")]


def demand_intake_bindings() -> list[Binding]:
    """demand reads every manufacturer's own intake and dead-letters there (by prefix:
    intakes come and go with manufacturers, without a change to demand's grants)."""
    return [
        Binding("TOPIC", topics.INTAKE_OF_PREFIX, "READ", "PREFIXED"),
        Binding("TOPIC", topics.INTAKE_OF_PREFIX, "WRITE", "PREFIXED"),
    ]


def intake_topics(manufacturer: str) -> list[str]:
    """The topics a manufacturer's intake principal needs created: its intake, its dead letters."""
    own = topics.intake_of(manufacturer)
    return [own, topics.dead_letter_topic(own)]


def bindings_for(principal: str) -> list[Binding]:
    """The ACLs of one of the launcher's principals (a service, ops, console, an intake)."""
    if principal == "demand":
        return sorted(
            {*service_bindings(principal, service_access()[principal]), *demand_intake_bindings()}
        )
    if principal in SERVICES:
        return service_bindings(principal, service_access()[principal])
    if principal == OPS:
        return ops_bindings()
    if principal == CONSOLE:
        return console_bindings()
    if principal.startswith(INTAKE_PREFIX):
        manufacturer = principal.removeprefix(INTAKE_PREFIX)
        intake_principal(manufacturer)
        return intake_bindings(manufacturer)
    raise ValueError(f"no ACLs are defined for principal {principal!r}")


def managed_principals(intakes: Iterable[str] = ()) -> list[str]:
    """The launcher's own principals (services, ops, console), then the intake ones."""
    return [*SERVICES, OPS, CONSOLE, *sorted(intakes)]


def all_topics() -> list[str]:
    """Every topic the secure profile creates up front, dead-letter topics included."""
    return [*topics.ALL, *(topics.dead_letter_topic(t) for t in topics.ALL)]
