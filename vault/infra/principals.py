"""Kafka principals on the running secure cluster: add a manufacturer's intake, rotate, remove.

Each change is applied through the Admin API first and saved after, so a refused
change leaves the stored passwords as they were. Passwords are generated here, kept
only in the cluster's secrets folder (0600) and shown once, by the command that made them.
"""

from __future__ import annotations

from dataclasses import dataclass

from vault.infra import acls, kafka_admin
from vault.infra.kafka import KafkaCluster
from vault.infra.kafka_secure import new_password, remember_provisioned


class PrincipalError(RuntimeError):
    """The principal cannot be changed as asked (unknown, already there, not the launcher's)."""


@dataclass(frozen=True)
class Issued:
    principal: str
    password: str


def _known(cluster: KafkaCluster, principal: str) -> bool:
    return principal in cluster.secrets.principals()


def _apply(cluster: KafkaCluster, steps: list[dict[str, object]]) -> None:
    kafka_admin.run(
        cluster.bootstrap_servers, cluster.secrets.admin(), steps, version=cluster.version
    )


def add_intake(cluster: KafkaCluster, manufacturer: str) -> Issued:
    """A SCRAM user ``intake-<manufacturer>`` that may write the intake and nothing else."""
    try:
        principal = acls.intake_principal(manufacturer)
    except ValueError as exc:
        raise PrincipalError(str(exc)) from None
    if _known(cluster, principal):
        raise PrincipalError(f"{principal} exists: rotate its password or remove it")
    password = new_password()
    _apply(
        cluster,
        [
            # Its own intake topic (and dead letters): demand reads it once told of it.
            kafka_admin.create_topics(
                acls.intake_topics(manufacturer),
                partitions=3,
                replicas=min(cluster.nodes, 3),
                configs={},
            ),
            kafka_admin.upsert_scram(principal, password),
            kafka_admin.sync_acls(principal, acls.bindings_for(principal)),
        ],
    )
    cluster.secrets.store(principal, password)
    remember_provisioned(cluster)
    return Issued(principal, password)


def rotate(cluster: KafkaCluster, principal: str) -> Issued:
    """A new password for any principal but admin; the old one stops working at once."""
    if principal == acls.ADMIN:
        raise PrincipalError("admin's password is the cluster's own: set at format time")
    if not _known(cluster, principal):
        raise PrincipalError(f"no principal {principal!r} on this cluster")
    password = new_password()
    _apply(cluster, [kafka_admin.upsert_scram(principal, password)])
    cluster.secrets.store(principal, password)
    remember_provisioned(cluster)
    return Issued(principal, password)


def remove(cluster: KafkaCluster, principal: str) -> None:
    """Delete an intake principal's credential and every ACL it has.

    Its connections already open stay authenticated, but each request is authorised
    anew, so with no ACL left they can do nothing.
    """
    if not principal.startswith(acls.INTAKE_PREFIX):
        raise PrincipalError(
            f"{principal!r} is one of the launcher's own principals; only intake ones are removed"
        )
    if not _known(cluster, principal):
        raise PrincipalError(f"no principal {principal!r} on this cluster")
    _apply(cluster, [kafka_admin.delete_scram(principal), kafka_admin.sync_acls(principal, [])])
    cluster.secrets.forget(principal)
    remember_provisioned(cluster)


def listing(cluster: KafkaCluster) -> dict[str, list[str]]:
    """Every principal and its ACLs as text (no passwords)."""
    return {
        principal: [
            f"{b.operation} {b.resource_type} {b.name}"
            + (" (prefix)" if b.pattern == "PREFIXED" else "")
            for b in acls.bindings_for(principal)
        ]
        for principal in sorted(cluster.secrets.principals())
    }
