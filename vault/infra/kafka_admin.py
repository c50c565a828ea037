"""Kafka's own Java Admin client, for what aiokafka 0.14 cannot do: SCRAM users and ACLs.

aiokafka's admin client has no AlterUserScramCredentials, CreateAcls or DeleteAcls
call, and the Maven classpath of the broker carries no ``kafka-configs``/``kafka-acls``
command (they live in ``kafka-tools``, which the broker does not pull). It does carry
``kafka-clients``, whose ``Admin`` does all of it: ``VaultKafkaAdmin.java`` beside this
file takes a list of steps as JSON and runs them in one JVM. It is compiled once per
source and Kafka version into the jar cache (``vault infra fetch`` does it ahead).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from shared.kafka_security import KafkaSecurity
from vault.infra.acls import Binding
from vault.infra.kafka import KAFKA_VERSION, KafkaLaunchError, java_binary, lib_dir
from vault.infra.progress import Progress, silent

SOURCE = Path(__file__).with_name("VaultKafkaAdmin.java")
MAIN = "VaultKafkaAdmin"
# The tool's own chatter (client config dumps) stays out of its JSON answer and our logs.
LOG4J2_QUIET = """\
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
"""


class KafkaAdminError(RuntimeError):
    """The Admin client refused a step, or the tool could not run; the message says which."""


def javac_binary() -> str:
    java = Path(os.path.realpath(java_binary()))
    beside = java.with_name("javac")
    if beside.exists():
        return str(beside)
    found = shutil.which("javac")
    if not found:
        raise KafkaLaunchError(
            "the secure profile needs a JDK (javac) to build its admin tool; only a JRE was found"
        )
    return found


def tool_dir(version: str = KAFKA_VERSION, *, progress: Progress = silent) -> Path:
    """The compiled tool, built on first use (kept per source and Kafka version)."""
    digest = hashlib.sha256(SOURCE.read_bytes() + version.encode()).hexdigest()[:12]
    target = lib_dir(version).parent / f"vault-admin-{digest}"
    if (target / f"{MAIN}.class").exists():
        return target
    staging = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    progress(f"compiling {SOURCE.name} (once) into {target} ...")
    built = subprocess.run(
        [
            javac_binary(),
            "-J-Xmx256m",
            "-nowarn",
            "-d",
            str(staging),
            "-cp",
            f"{lib_dir(version)}/*",
            str(SOURCE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise KafkaLaunchError(f"javac failed for {SOURCE.name}:\n{built.stdout}\n{built.stderr}")
    (staging / "log4j2.properties").write_text(LOG4J2_QUIET)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def java_client_properties(security: KafkaSecurity) -> dict[str, str]:
    """The Java client's spelling of the same security settings aiokafka gets."""
    props: dict[str, str] = {"security.protocol": security.protocol}
    if security.sasl:
        module = (
            "org.apache.kafka.common.security.plain.PlainLoginModule"
            if security.mechanism == "PLAIN"
            else "org.apache.kafka.common.security.scram.ScramLoginModule"
        )
        props["sasl.mechanism"] = security.mechanism
        props["sasl.jaas.config"] = jaas(module, security.username or "", security.password or "")
    if security.tls and security.ca_file:
        props["ssl.truststore.type"] = "PEM"
        props["ssl.truststore.location"] = security.ca_file
    return props


def jaas(module: str, username: str, password: str, **extra: str) -> str:
    # Our generated secrets are url-safe base64: nothing in them needs quoting in JAAS.
    for value in (username, password, *extra.values()):
        if '"' in value or "\\" in value:
            raise ValueError("JAAS values must not contain quotes or backslashes")
    options = {"username": username, "password": password, **extra}
    return f"{module} required " + " ".join(f'{k}="{v}"' for k, v in options.items()) + ";"


def run(
    bootstrap_servers: str,
    admin: KafkaSecurity,
    steps: Sequence[Mapping[str, Any]],
    *,
    version: str = KAFKA_VERSION,
    timeout_s: float = 180.0,
) -> list[dict[str, Any]]:
    """Run ``steps`` in one JVM as ``admin``; each step's answer, or ``KafkaAdminError``."""
    if not steps:
        return []
    classes = tool_dir(version)
    spec = {
        "bootstrap": bootstrap_servers,
        "client": java_client_properties(admin),
        "steps": list(steps),
    }
    try:
        done = subprocess.run(
            [
                java_binary(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                # A short-lived client: the first JIT tier starts it fastest.
                "-XX:TieredStopAtLevel=1",
                f"-Dlog4j2.configurationFile={classes / 'log4j2.properties'}",
                "-cp",
                f"{classes}:{lib_dir(version)}/*",
                MAIN,
            ],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise KafkaAdminError(f"the admin tool did not finish in {timeout_s:.0f}s") from exc
    answer = _answer(done.stdout)
    if done.returncode != 0 or not answer.get("ok"):
        raise KafkaAdminError(
            f"{answer.get('error') or 'the admin tool failed'} "
            f"(exit {done.returncode}):\n{done.stderr[-2000:]}"
        )
    steps_done: list[dict[str, Any]] = answer["steps"]
    return steps_done


def _answer(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            try:
                parsed: dict[str, Any] = json.loads(line)
            except json.JSONDecodeError:
                break
            return parsed
    return {"ok": False, "error": f"no answer from the admin tool: {stdout[-500:]!r}"}


# -- steps ---------------------------------------------------------------------------------


def upsert_scram(user: str, password: str) -> dict[str, Any]:
    return {"op": "upsert_scram", "user": user, "password": password}


def delete_scram(user: str) -> dict[str, Any]:
    return {"op": "delete_scram", "user": user}


def sync_acls(user: str, bindings: Iterable[Binding]) -> dict[str, Any]:
    """Make ``User:<user>``'s ACLs exactly ``bindings`` (none: all removed)."""
    return {
        "op": "sync_acls",
        "principal": f"User:{user}",
        "bindings": [b.as_json() for b in bindings],
    }


def create_topics(
    names: Iterable[str],
    *,
    partitions: int,
    replicas: int,
    configs: Mapping[str, Mapping[str, str]],
) -> dict[str, Any]:
    return {
        "op": "create_topics",
        "topics": [
            {
                "name": name,
                "partitions": partitions,
                "replicas": replicas,
                "configs": dict(configs.get(name, {})),
            }
            for name in names
        ],
    }
