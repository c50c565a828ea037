"""Which failures heal by waiting, and how long to wait before trying again."""

from __future__ import annotations

import random

import asyncpg
import asyncpg.exceptions._base as asyncpg_base
from aiokafka.errors import KafkaError


class Contended(Exception):
    """A concurrent writer got in the way in a way the database did not report: try again."""


TRANSIENT: tuple[type[BaseException], ...] = (
    Contended,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,  # e.g. a pooled connection closed under us
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    ConnectionError,
    OSError,
    TimeoutError,
    KafkaError,
)
# Client-side errors that look like InterfaceError but no retry can fix: a value the
# driver cannot encode (e.g. an integer too large for its column) is a poison message.
NEVER_TRANSIENT: tuple[type[BaseException], ...] = (
    asyncpg_base.DataError,
    asyncpg.ClientConfigurationError,
    asyncpg.UnsupportedClientFeatureError,
)

# 2**32 times any base is beyond every cap; the exponent stops there so that a retry
# hours into an outage cannot overflow a float (attempt 1,025 did, before).
_MAX_EXPONENT = 32


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT) and not isinstance(exc, NEVER_TRANSIENT)


def backoff(attempt: int, base_s: float, cap_s: float) -> float:
    """Capped exponential backoff with jitter, so that replicas do not retry in step."""
    exponent = min(max(attempt - 1, 0), _MAX_EXPONENT)
    ceiling: float = min(cap_s, base_s * 2**exponent)
    return ceiling / 2 + random.random() * ceiling / 2  # noqa: S311 - jitter, not security
