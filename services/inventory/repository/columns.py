"""Values as ``unnest`` takes them: one array per column, in the order of the rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


def columns(
    rows: Sequence[T],
    names: Sequence[str],
    value: Callable[[T, str], Any] = getattr,
) -> list[list[Any]]:
    """For each column name, every row's ``value(row, name)``; enums stored as their values."""
    return [[_stored(value(row, name)) for row in rows] for name in names]


def _stored(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value
