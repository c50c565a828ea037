"""Dead-letter retention: what is corrected, what is kept, and a refusal that stops the start."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from shared.kafka_retention import RetentionError, keep_dead_letters_forever

OVERRIDE, DEFAULT = 1, 5


def _entries(**overrides: str) -> list[tuple[object, ...]]:
    defaults = {"retention.ms": "604800000", "retention.bytes": "-1", "cleanup.policy": "delete"}
    rows: list[tuple[object, ...]] = [
        (k, v, False, DEFAULT, False, []) for k, v in defaults.items() if k not in overrides
    ]
    return rows + [(k, v, False, OVERRIDE, False, []) for k, v in overrides.items()]


@dataclass
class FakeAdmin:
    entries: dict[str, list[tuple[object, ...]]]
    alter_error: int = 0
    describe_error: int = 0
    altered: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    async def describe_configs(self, resources: list[Any]) -> list[Any]:
        rows = [(self.describe_error, None, 2, r.name, self.entries[r.name]) for r in resources]
        return [SimpleNamespace(resources=rows)]

    async def alter_configs(self, resources: list[Any]) -> list[Any]:
        self.altered += [(r.name, dict(r.configs)) for r in resources]
        return [SimpleNamespace(resources=[(self.alter_error, None, 2, r.name) for r in resources])]


async def test_broker_defaults_are_corrected_and_the_topics_own_overrides_sent_back() -> None:
    admin = FakeAdmin(
        {
            "a.dlq": _entries(),  # the broker's 7 days
            "b.dlq": _entries(**{"cleanup.policy": "compact", "max.message.bytes": "2000000"}),
            "c.dlq": _entries(**{"retention.ms": "-1"}),  # as Vault creates them
        }
    )

    corrected = await keep_dead_letters_forever(admin, ["a.dlq", "b.dlq", "c.dlq"], timeout_s=1)

    assert corrected == ["a.dlq", "b.dlq"]
    assert admin.altered == [
        ("a.dlq", {"retention.ms": "-1", "retention.bytes": "-1"}),
        (
            "b.dlq",
            {
                "cleanup.policy": "delete",
                "max.message.bytes": "2000000",
                "retention.ms": "-1",
                "retention.bytes": "-1",
            },
        ),
    ]


async def test_a_correction_the_broker_refuses_stops_the_start_saying_how_long_letters_live() -> (
    None
):
    admin = FakeAdmin({"a.dlq": _entries()}, alter_error=29)
    with pytest.raises(RetentionError, match=r"a\.dlq keeps letters retention\.ms=604800000"):
        await keep_dead_letters_forever(admin, ["a.dlq"], timeout_s=1)


async def test_an_override_the_broker_hides_is_not_wiped_but_refused() -> None:
    entries = [*_entries(), ("secret.thing", None, False, OVERRIDE, True, [])]
    admin = FakeAdmin({"a.dlq": entries})
    with pytest.raises(RetentionError, match="hides"):
        await keep_dead_letters_forever(admin, ["a.dlq"], timeout_s=1)
    assert admin.altered == []


async def test_a_principal_that_may_not_read_configs_is_told_so_and_goes_on() -> None:
    admin = FakeAdmin({"a.dlq": _entries()}, describe_error=29)
    assert await keep_dead_letters_forever(admin, ["a.dlq"], timeout_s=1) == []
    assert admin.altered == []
