"""Bytes <-> envelopes. pydantic-core parses and writes the JSON in one pass, no floats."""

from __future__ import annotations

import functools
import json
import uuid
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.envelope import SUPPORTED_MAJOR, Envelope, EventMeta, RawEnvelope

P = TypeVar("P", bound=BaseModel)


class PoisonMessage(Exception):
    """A message no retry can fix: malformed, unknown major version, or off-contract."""

    def __init__(
        self,
        reason: str,
        detail: str = "",
        *,
        event_id: uuid.UUID | None = None,
        event: object | None = None,
    ) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        # The event at fault, when a handler of many events names it: by its id, and by
        # the object itself, since a sender reusing ids can put two events of one id in
        # a batch.
        self.event_id = event_id
        self.event = event


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
    return _supported(raw)


# Python refuses to turn longer digit strings into int (sys.get_int_max_str_digits).
_MAX_INT_DIGITS = 4300


def _integer(text: str) -> int | Decimal:
    return int(text) if len(text.lstrip("-")) <= _MAX_INT_DIGITS else Decimal(text)


def tolerant_json(data: bytes) -> Any:
    """JSON as Python's parser reads it, for what pydantic's (jiter) refuses whole.

    jiter refuses a document for an integer over 4,300 digits or a lone surrogate escape
    (``"\\ud800"``) anywhere in it; both are JSON (RFC 8259 sets no limit on digits and
    lets escapes stand alone). Here such an integer is a ``Decimal`` and such a string
    keeps its lone surrogate, so that a reader answering every wrong value can name the
    field (a string that cannot be encoded as UTF-8 must never reach storage or a log).
    Raises ``ValueError`` for what is not JSON, not UTF-8, or nested past recursion.
    """
    try:
        return json.loads(data.decode("utf-8"), parse_int=_integer)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


def decode_tolerant(data: bytes | None) -> RawEnvelope:
    """``decode_raw``, but a payload may hold what only ``tolerant_json`` reads.

    For an untrusted intake whose handler reads the payload itself and answers every
    wrong value (a lenient subscription): its sender hears which field is wrong instead
    of its record going to the dead-letter topic as malformed. The envelope's own text
    must still be UTF-8: it travels on in the answers (correlation id) and the logs.
    """
    try:
        return decode_raw(data)
    except PoisonMessage as strict:
        if strict.reason != "malformed" or not data:
            raise
        try:
            document = tolerant_json(data)
            raw = RawEnvelope.model_validate(document)
        except (ValueError, ValidationError):
            raise strict from None
        if any(not _is_unicode(getattr(raw, name)) for name in _ENVELOPE_TEXT):
            raise strict from None
        return _supported(raw)


_ENVELOPE_TEXT = ("type", "version", "producer", "key", "correlation_id", "causation_id")


def _is_unicode(text: str | None) -> bool:
    try:
        (text or "").encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _supported(raw: RawEnvelope) -> RawEnvelope:
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
        raise PoisonMessage(
            "invalid_payload", f"{raw.type}: {_short(exc)}", event_id=raw.event_id
        ) from None
    # The envelope's own fields were validated with the raw envelope: only the payload is new.
    typed: Envelope[P] = Envelope[payload].model_construct(  # type: ignore[valid-type]
        **{name: getattr(raw, name) for name in EventMeta.model_fields}, payload=body
    )
    return typed


def decode_typed(data: bytes, payload: type[P]) -> Envelope[P] | None:
    """The envelope parsed straight to its contract in one pass, or None to take the long way.

    For records whose producer named the type in a header (Vault's own relays do): one
    parse instead of two. Anything unexpected (another type in the body, an unknown
    major version, an invalid field) returns None, and ``decode_raw``/``parse_payload``
    then say precisely what is wrong.
    """
    try:
        event = _typed(payload).validate_json(data)
    except ValidationError:
        return None
    if event.type != payload.EVENT_TYPE or event.major != SUPPORTED_MAJOR:  # type: ignore[attr-defined]
        return None
    typed: Envelope[P] = event
    return typed


@functools.cache
def _typed(payload: type[BaseModel]) -> TypeAdapter[Any]:
    return TypeAdapter(Envelope[payload])  # type: ignore[valid-type]
