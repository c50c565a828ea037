"""Bytes <-> envelopes. pydantic-core parses and writes the JSON in one pass, no floats."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from shared.envelope import SUPPORTED_MAJOR, Envelope, EventMeta, RawEnvelope

P = TypeVar("P", bound=BaseModel)


class PoisonMessage(Exception):
    """A message no retry can fix: malformed, unknown major version, or off-contract."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def encode(event: EventMeta) -> bytes:
    return event.model_dump_json().encode()


def _short(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
        for err in exc.errors()[:5]
    )


def decode_raw(data: bytes | None) -> RawEnvelope:
    """The envelope with an unchecked payload; raises PoisonMessage for anything off-contract."""
    if not data:
        raise PoisonMessage("malformed", "empty message")
    try:
        raw = RawEnvelope.model_validate_json(data)
    except ValidationError as exc:
        raise PoisonMessage("malformed", _short(exc)) from None
    if raw.major != SUPPORTED_MAJOR:
        raise PoisonMessage(
            "unsupported_version",
            f"{raw.type} version {raw.version}; this consumer reads {SUPPORTED_MAJOR}.x",
        )
    return raw


def decode(data: bytes | None, payload: type[P]) -> Envelope[P]:
    """A typed envelope, or PoisonMessage saying what is wrong with it."""
    raw = decode_raw(data)
    return parse_payload(raw, payload)


def parse_payload(raw: RawEnvelope, payload: type[P]) -> Envelope[P]:
    try:
        body = payload.model_validate(raw.payload)
    except ValidationError as exc:
        raise PoisonMessage("invalid_payload", f"{raw.type}: {_short(exc)}") from None
    return Envelope[payload](**raw.model_dump(exclude={"payload"}), payload=body)  # type: ignore[valid-type]
