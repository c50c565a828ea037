"""Counting the statements a connection sends (BEGIN and COMMIT included): round trips."""

from __future__ import annotations

from types import TracebackType

from asyncpg.connection import LoggedQuery

from shared.db import Connection


class Statements:
    """``with Statements(conn) as sent:`` ... ``sent.count``, ``sent.queries``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.queries: list[str] = []

    @property
    def count(self) -> int:
        return len(self.queries)

    def _log(self, record: LoggedQuery) -> None:
        self.queries.append(record.query)

    def __enter__(self) -> Statements:
        self._conn.add_query_logger(self._log)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._conn.remove_query_logger(self._log)
