"""Plans into the bytes sent, remembering what each record is (for the accounting)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from tests.support.fuzz.plans import BIG_KEY, Copy, Envelope, Garbage, Key, RecordPlan, Reuse
from tests.support.fuzz.targets import Target


@dataclass(frozen=True)
class Record:
    """One record as sent; ``partition`` and ``offset`` are filled in once the broker took it."""

    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[bytes, bytes | None], ...]
    kind: str  # what it was made as, for the summary
    event_id: uuid.UUID | None = None  # the id its envelope carries, if it is one
    event_type: str | None = None
    answer_key: str | None = None  # what answers it, if the consumer applies it
    copy_of: int | None = None  # the earlier record whose value these bytes repeat
    partition: int = -1
    offset: int = -1


class Builder:
    """Builds records in send order; copies and reused ids refer to those built before."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.records: list[Record] = []
        self._envelopes: list[int] = []
        self._first: dict[tuple[uuid.UUID, bytes], int] = {}

    def build(self, plan: RecordPlan) -> Record:
        body = plan.body
        if isinstance(body, Copy) and self.records:
            original = self.records[body.of % len(self.records)]
            made = Record(
                self._key(plan.key, None),
                original.value,
                plan.headers,
                "copy",
                original.event_id,
                original.event_type,
                original.answer_key,
            )
        elif isinstance(body, Reuse) and self._envelopes:
            earlier = self.records[self._envelopes[body.of % len(self._envelopes)]]
            assert earlier.event_id is not None
            made = self._envelope(plan, Envelope(body.payload, earlier.event_id), "reused_id")
        elif isinstance(body, Envelope):
            made = self._envelope(plan, body, _kind(body))
        elif isinstance(body, Garbage):
            kind = "tombstone" if body.data is None else "garbage"
            made = Record(self._key(plan.key, None), body.data, plan.headers, kind)
        else:  # a copy or a reuse with nothing before it
            made = Record(self._key(plan.key, None), b"", plan.headers, "garbage")
        if plan.key.kind == "big":
            made = replace(made, key=b"k" * _big_key_room(made))
        made = self._with_copy(made)
        if made.event_id is not None and made.copy_of is None:
            self._envelopes.append(len(self.records))
        self.records.append(made)
        return made

    def _with_copy(self, record: Record) -> Record:
        """The same event id and bytes as an earlier record: a redelivery, whatever it was made as."""
        if record.event_id is None or record.value is None:
            return record
        seen = (record.event_id, record.value)
        first = self._first.setdefault(seen, len(self.records))
        if first == len(self.records):
            return record
        return replace(record, copy_of=first)

    def _key(self, key: Key, payload: dict[str, Any] | None) -> bytes | None:
        if key.kind == "none":
            return None
        if key.kind == "big":
            return b"k"  # made as large as the record allows, once its value is known
        if key.kind == "bytes" or payload is None:
            return key.data or b"fz"
        return self.target.proper_key(payload)

    def _envelope(self, plan: RecordPlan, body: Envelope, kind: str) -> Record:
        value = envelope_bytes(self.target, body)
        event_type = body.event_type or self.target.event_type
        answered = (
            event_type == self.target.event_type
            and body.version == "1.0"
            and body.breakage in (None, "correlation_nul_ok")
        )
        raw_fields = {field for field, _ in body.raw}
        answer = self.target.answer_key(body.payload, body.event_id) if answered else None
        if answer is not None and raw_fields & {"fill_id"}:
            answer = None  # the id that answers it is not the text hypothesis drew
        return Record(
            self._key(plan.key, body.payload),
            value,
            plan.headers,
            kind,
            body.event_id,
            event_type,
            answer,
        )


def _big_key_room(record: Record) -> int:
    """A key as close to 1 MiB as the record can take: what kcat sent, with the value b"x"."""
    rest = len(record.value or b"") + sum(len(k) + len(v or b"") + 10 for k, v in record.headers)
    return max(1024, BIG_KEY - rest)


def _kind(body: Envelope) -> str:
    if body.breakage is not None:
        return "broken_envelope"
    if body.raw:
        return "hostile_json"
    if body.event_type is not None:
        return "other_type"
    if body.version != "1.0":
        return "other_version"
    return "envelope"


def envelope_bytes(target: Target, body: Envelope) -> bytes:
    """The envelope as JSON text; raw fields and some breakages are written verbatim."""
    payload: Any = {**body.payload, **{field: f"@@{field}@@" for field, _ in body.raw}}
    key = target.proper_key(body.payload).decode("utf-8", "replace")[:200] or "k"
    document: dict[str, Any] = {
        "event_id": str(body.event_id),
        "type": body.event_type if body.event_type is not None else target.event_type,
        "version": body.version,
        "occurred_at": datetime.now(UTC).isoformat(),
        "producer": "fuzz",
        "key": key,
        "correlation_id": str(body.event_id),
        "payload": payload,
    }
    raw = dict(body.raw)
    breakage = body.breakage
    if breakage == "no_event_id":
        del document["event_id"]
    elif breakage == "event_id_not_uuid":
        document["event_id"] = "not-a-uuid"
    elif breakage == "key_too_long":
        document["key"] = "k" * 300
    elif breakage == "key_surrogate":
        document["key"] = "@@key@@"
        raw["key"] = '"k\\ud800"'
    elif breakage == "type_empty":
        document["type"] = ""
    elif breakage == "naive_time":
        document["occurred_at"] = "2026-01-01T00:00:00"
    elif breakage == "payload_list":
        document["payload"] = [1, 2]
    elif breakage == "correlation_nul_ok":
        document["correlation_id"] = "c\x00rrelation"
    text = json.dumps(document, ensure_ascii=True, allow_nan=True)
    for field, json_text in raw.items():
        text = text.replace(json.dumps(f"@@{field}@@"), json_text, 1)
    return text.encode()
