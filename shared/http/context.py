"""What routes need from the running service, handed to them by one dependency, and the clock.

Each service builds one context object (its dependencies: the ``Service``, settings,
policy, a clock) in ``app.py``; ``create_api`` keeps it on the app, and a route takes
it as a parameter annotated ``Annotated[TheType, Depends(context_of)]`` (each API
names that ``Ctx`` once). Kafka handlers are given
the same object when their subscriptions are built, so both entry points see one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import Request

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def context_of(request: Request) -> Any:
    return request.app.state.context
