"""Dead-letter topics keep their letters for ever, whoever created them and however.

A dead letter waits for a fix and a replay, which may be months away. Topics Vault
creates are created so (``retention.ms=-1``, ``retention.bytes=-1``), but a
dead-letter topic may already exist with the broker's defaults: created by hand, by a
tool, or by the broker itself when ``auto.create.topics.enable`` let a producer's
first letter create it (7 days by default, and compaction would keep one letter per
key). At start-up each service looks at the dead-letter topics it uses and corrects
them; one it may not correct stops the start with ``TopicSetupError`` saying how long
its letters live, instead of letting them expire unseen.

Kafka's AlterConfigs (the call aiokafka has; it has no IncrementalAlterConfigs)
replaces every override of a topic with the set it is given: the topic's own
overrides are read first and sent back with the retention, so nothing else changes.
Where the principal may not even read a topic's configuration (the secure profile
grants services no DESCRIBE_CONFIGS: the launcher creates every topic, with these
settings), the check is skipped and logged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

log = structlog.get_logger("kafka")

FOREVER = {"retention.ms": "-1", "retention.bytes": "-1"}
_CLEANUP = "cleanup.policy"
_TOPIC_OVERRIDE = 1  # DescribeConfigs v1+ config source: DYNAMIC_TOPIC_CONFIG
_NO_ERROR = 0
_UNAUTHORISED = (29, 31)  # TOPIC_ / CLUSTER_AUTHORIZATION_FAILED


class ConfigAdmin(Protocol):
    """What is used of ``AIOKafkaAdminClient``."""

    async def describe_configs(self, resources: list[ConfigResource], /) -> list[Any]: ...

    async def alter_configs(self, resources: list[ConfigResource], /) -> list[Any]: ...


class RetentionError(RuntimeError):
    """A dead-letter topic would lose letters and could not be corrected."""


@dataclass(frozen=True)
class _Described:
    topic: str
    overrides: dict[str, str]  # the topic's own settings (not the broker's defaults)
    effective: dict[str, str]
    sensitive: bool  # an override whose value the broker does not show: it cannot be kept

    def keeps_letters(self) -> bool:
        kept = all(self.effective.get(k) == v for k, v in FOREVER.items())
        return kept and "compact" not in self.effective.get(_CLEANUP, "delete")

    def corrected(self) -> dict[str, str]:
        wanted = {**self.overrides, **FOREVER}
        if "compact" in wanted.get(_CLEANUP, self.effective.get(_CLEANUP, "delete")):
            wanted[_CLEANUP] = "delete"  # with retention -1, nothing is ever deleted
        return wanted


async def keep_dead_letters_forever(
    admin: ConfigAdmin, topics: Sequence[str], *, timeout_s: float
) -> list[str]:
    """Correct the retention of these existing dead-letter topics; returns those corrected.

    Raises ``RetentionError`` for a topic that loses letters and cannot be corrected.
    """
    if not topics:
        return []
    described = await _describe(admin, topics, timeout_s)
    wrong = [d for d in described if not d.keeps_letters()]
    if not wrong:
        return []
    refused = [f"{d.topic}: an override the broker hides" for d in wrong if d.sensitive]
    fixable = [d for d in wrong if not d.sensitive]
    if fixable:
        resources = [
            ConfigResource(ConfigResourceType.TOPIC, d.topic, d.corrected()) for d in fixable
        ]
        async with asyncio.timeout(timeout_s):
            responses = await admin.alter_configs(resources)
        errors = {
            name: f"error {code} {message or ''}".strip()
            for response in responses
            for code, message, _, name in response.resources
            if code != _NO_ERROR
        }
        refused += [f"{name}: {error}" for name, error in errors.items()]
        for d in fixable:
            if d.topic not in errors:
                log.warning(
                    "dead_letter_topic_retention_corrected",
                    topic=d.topic,
                    was={k: d.effective.get(k) for k in (*FOREVER, _CLEANUP)},
                )
    if refused:
        lives = "; ".join(
            f"{d.topic} keeps letters retention.ms={d.effective.get('retention.ms')}, "
            f"retention.bytes={d.effective.get('retention.bytes')}, "
            f"cleanup.policy={d.effective.get(_CLEANUP)}"
            for d in wrong
        )
        raise RetentionError(
            f"dead-letter topics would lose letters and could not be corrected ({lives}): "
            + "; ".join(refused)
            + ". Set retention.ms=-1 retention.bytes=-1 cleanup.policy=delete on them."
        )
    return [d.topic for d in fixable]


async def _describe(
    admin: ConfigAdmin, topics: Sequence[str], timeout_s: float
) -> list[_Described]:
    resources = [ConfigResource(ConfigResourceType.TOPIC, t, None) for t in topics]
    async with asyncio.timeout(timeout_s):
        responses = await admin.describe_configs(resources)
    described: list[_Described] = []
    failed: list[str] = []
    for response in responses:
        for code, message, _, name, entries in response.resources:
            if code in _UNAUTHORISED:
                log.warning("dead_letter_retention_unchecked", topic=name, error_code=code)
                continue
            if code != _NO_ERROR:
                failed.append(f"{name}: error {code} {message or ''}".strip())
                continue
            described.append(_of(name, entries))
    if failed:
        raise RetentionError("cannot read the settings of " + "; ".join(failed))
    return described


def _of(topic: str, entries: Sequence[tuple[object, ...]]) -> _Described:
    overrides: dict[str, str] = {}
    effective: dict[str, str] = {}
    sensitive = False
    for name, value, _read_only, source, is_sensitive, *_ in entries:
        if not isinstance(name, str):
            continue
        if value is not None:
            effective[name] = str(value)
        if source == _TOPIC_OVERRIDE:
            if is_sensitive or value is None:
                sensitive = True
            else:
                overrides[name] = str(value)
    return _Described(topic, overrides, effective, sensitive)
