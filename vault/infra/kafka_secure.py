"""The secure profile of the launched cluster: SASL/SCRAM, ACLs, and the secrets behind them.

- Clients (and brokers among themselves) authenticate with SCRAM-SHA-512 on the
  ``CLIENT`` listener, SASL_PLAINTEXT on 127.0.0.1: off this machine it must be
  SASL_SSL, since SASL_PLAINTEXT lets anyone on the path read and alter the traffic.
- The KRaft controller listener cannot use SCRAM (its credentials live in the metadata
  log the controllers serve), so it uses SASL PLAIN with a password only the nodes know:
  a PLAINTEXT controller listener would make its unauthenticated callers ANONYMOUS,
  which would then have to be a super user.
- ``StandardAuthorizer`` with ``allow.everyone.if.no.acl.found=false``; ``User:admin`` is
  the only super user (inter-broker traffic, and the launcher's provisioning).
- ``admin``'s SCRAM credential is written at format time (``--add-scram``): there is no
  one yet to create it through the Admin API. Everyone else's, their ACLs and every
  topic are provisioned through the Admin API once the cluster is up.
Secrets live in ``<cluster home>/secrets/`` (0700, files 0600), generated on first use.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from shared import topics
from shared.kafka_security import KafkaSecurity, Protocol
from vault.infra import acls, kafka_admin

if TYPE_CHECKING:
    from vault.infra.kafka import KafkaCluster, NodePorts

MECHANISM = "SCRAM-SHA-512"
PROTOCOL: Protocol = "SASL_PLAINTEXT"
SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule"
PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule"


def new_password() -> str:
    return secrets.token_urlsafe(24)


@contextlib.contextmanager
def _private_umask() -> Iterator[None]:
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def write_private(path: Path, text: str) -> None:
    """Write a secret so that no moment exists where others may read it."""
    with _private_umask():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(text)
        os.replace(tmp, path)
    path.chmod(0o600)


@dataclass(frozen=True)
class Secrets:
    """The passwords of one secure cluster: admin's, the controllers', every principal's."""

    root: Path

    @property
    def principals_file(self) -> Path:
        return self.root / "principals.json"

    def _own(self, name: str) -> str:
        path = self.root / f"{name}.password"
        if not path.exists():
            write_private(path, new_password())
        return path.read_text().strip()

    def admin_password(self) -> str:
        return self._own("admin")

    def controller_password(self) -> str:
        return self._own("controller")

    def principals(self) -> dict[str, str]:
        if not self.principals_file.exists():
            return {}
        saved: dict[str, str] = json.loads(self.principals_file.read_text())
        return saved

    def _save(self, table: dict[str, str]) -> None:
        write_private(self.principals_file, json.dumps(table, indent=2, sort_keys=True))

    def password(self, principal: str) -> str:
        if principal == acls.ADMIN:
            return self.admin_password()
        try:
            return self.principals()[principal]
        except KeyError:
            raise KeyError(f"no Kafka principal {principal!r} in {self.root}") from None

    def ensure(self, principal: str) -> str:
        """The principal's password, generated the first time."""
        table = self.principals()
        if principal not in table:
            table[principal] = new_password()
            self._save(table)
        return table[principal]

    def store(self, principal: str, password: str) -> None:
        table = self.principals()
        table[principal] = password
        self._save(table)

    def forget(self, principal: str) -> None:
        table = self.principals()
        table.pop(principal, None)
        self._save(table)

    def security(self, principal: str) -> KafkaSecurity:
        return KafkaSecurity(PROTOCOL, MECHANISM, principal, self.password(principal))

    def admin(self) -> KafkaSecurity:
        return self.security(acls.ADMIN)


def broker_properties(cluster: KafkaCluster, node: NodePorts, vault: Secrets) -> dict[str, object]:
    """What the secure profile sets on top of (or instead of) the plaintext properties."""
    return secure_properties(
        listeners=f"CLIENT://127.0.0.1:{node.broker},CONTROLLER://127.0.0.1:{node.controller}",
        advertised=f"CLIENT://127.0.0.1:{node.broker}",
        admin_password=vault.admin_password(),
        controller_password=vault.controller_password(),
    )


def secure_properties(
    *, listeners: str, advertised: str, admin_password: str, controller_password: str
) -> dict[str, object]:
    """The secure broker, wherever it runs (the launcher's nodes, compose's container)."""
    return {
        "listeners": listeners,
        "advertised.listeners": advertised,
        "inter.broker.listener.name": "CLIENT",
        "listener.security.protocol.map": f"CLIENT:{PROTOCOL},CONTROLLER:SASL_PLAINTEXT",
        "sasl.enabled.mechanisms": MECHANISM,
        "sasl.mechanism.inter.broker.protocol": MECHANISM,
        "listener.name.client.sasl.enabled.mechanisms": MECHANISM,
        "listener.name.client.scram-sha-512.sasl.jaas.config": kafka_admin.jaas(
            SCRAM_MODULE, acls.ADMIN, admin_password
        ),
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        # The nodes log in to the controllers as admin and check each other against user_admin.
        "listener.name.controller.plain.sasl.jaas.config": kafka_admin.jaas(
            PLAIN_MODULE, acls.ADMIN, controller_password, user_admin=controller_password
        ),
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": f"User:{acls.ADMIN}",
        # Topics come from the launcher only: a producer's typo must not create one.
        "auto.create.topics.enable": "false",
    }


def format_args(vault: Secrets) -> list[str]:
    return ["--add-scram", f"{MECHANISM}=[name={acls.ADMIN},password={vault.admin_password()}]"]


def provisioning_steps(cluster: KafkaCluster, vault: Secrets) -> list[dict[str, object]]:
    """Credentials and ACLs of every principal the launcher knows, and every topic."""
    replicas = min(cluster.nodes, 3)
    steps: list[dict[str, object]] = [
        kafka_admin.create_topics(
            acls.all_topics(),
            partitions=3,
            replicas=replicas,
            # Dead letters wait for a fix and a replay: they must not expire.
            configs={
                topics.dead_letter_topic(t): {"retention.ms": "-1", "retention.bytes": "-1"}
                for t in topics.ALL
            },
        )
    ]
    intakes = [p for p in vault.principals() if p.startswith(acls.INTAKE_PREFIX)]
    if intakes:
        steps.append(
            kafka_admin.create_topics(
                [
                    t
                    for p in intakes
                    for t in acls.intake_topics(p.removeprefix(acls.INTAKE_PREFIX))
                ],
                partitions=3,
                replicas=replicas,
                configs={},
            )
        )
    for principal in acls.managed_principals(intakes):
        steps.append(kafka_admin.upsert_scram(principal, vault.ensure(principal)))
        steps.append(kafka_admin.sync_acls(principal, acls.bindings_for(principal)))
    return steps


def provision(cluster: KafkaCluster, vault: Secrets) -> bool:
    """Apply ``provisioning_steps`` unless this cluster already has exactly these.

    Returns whether it ran. The steps are idempotent, but each run costs a JVM start:
    a fingerprint of what was applied spares a restart of an unchanged cluster.
    """
    steps = provisioning_steps(cluster, vault)
    marker = cluster.home / "provisioned.sha256"
    if marker.exists() and marker.read_text().strip() == _fingerprint(steps):
        return False
    kafka_admin.run(cluster.bootstrap_servers, vault.admin(), steps, version=cluster.version)
    marker.write_text(_fingerprint(steps))
    return True


def remember_provisioned(cluster: KafkaCluster) -> None:
    """After a principal changed: the cluster holds what provisioning would set, so the
    next ``up`` need not run it."""
    steps = provisioning_steps(cluster, cluster.secrets)
    (cluster.home / "provisioned.sha256").write_text(_fingerprint(steps))


def _fingerprint(steps: list[dict[str, object]]) -> str:
    return hashlib.sha256(json.dumps(steps, sort_keys=True).encode()).hexdigest()
