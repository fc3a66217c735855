"""Tortoise's SQLite client for the embedded database: statements run on the event loop's
thread, reads on a connection of their own.

Tortoise's stock client sends every statement to aiosqlite's thread and back, and queues
them all on one connection. A statement here is tens of microseconds of SQLite work, less
than the trip costs; worse, a write transaction holds the one connection for all of its
trips, and under load most of that time was spent waiting for the loop to get back to it
(the connection was busy 95 % of the time in the checkout benchmark, for 48 % of one core of
Python). So:

- statements run directly on the loop's thread (:class:`Direct`), and only a ``COMMIT``,
  which waits for the disk (``synchronous=FULL``), goes to a worker thread;
- statements that only read, outside a transaction, use a second, read-only connection: in
  WAL mode a reader neither waits for the writer nor blocks it, and sees every committed
  write;
- a transaction starts in one step with ``BEGIN IMMEDIATE`` (Tortoise sends a ``COMMIT``
  that does nothing first), which also takes the write lock at once, so a transaction that
  reads before it writes cannot fail halfway when another process (a CLI command) writes.

A long query blocks the loop while it runs; every query of the app is indexed and short.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from tortoise.backends.base.client import ConnectionWrapper, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import OperationalError, TransactionManagementError

__all__ = ["Client", "Direct", "client_class", "is_read"]


def is_read(statement: str) -> bool:
    return statement.lstrip()[:6].upper() == "SELECT"


class Direct:
    """A SQLite connection driven from the event loop's thread, with the part of aiosqlite's
    API that Tortoise uses."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @property
    def total_changes(self) -> int:
        return self._conn.total_changes

    async def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, parameters)

    async def execute_fetchall(self, sql: str, parameters: Any = None) -> list[Any]:
        return self._conn.execute(sql, parameters or ()).fetchall()

    async def execute_insert(self, sql: str, parameters: Any = None) -> tuple[int | None]:
        return (self._conn.execute(sql, parameters or ()).lastrowid,)

    async def executemany(self, sql: str, parameters: Any) -> sqlite3.Cursor:
        return self._conn.executemany(sql, parameters)

    async def executescript(self, script: str) -> sqlite3.Cursor:
        return self._conn.executescript(script)

    async def commit(self) -> None:
        # The one slow step (fsync): in a thread, so the loop serves other requests
        # meanwhile. The write lock is held, so nothing else uses the connection until then.
        await asyncio.to_thread(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self._conn.close()


def _connect(path: str, pragmas: dict[str, Any]) -> Direct:
    # check_same_thread off: commits run on a worker thread, one at a time (see Direct).
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma, value in pragmas.items():
        conn.execute(f"PRAGMA {pragma}={value}")
    return Direct(conn)


class _Transaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # pragma: no cover - a locked database
            raise TransactionManagementError(exc) from exc


class _TransactionContext(SqliteTransactionContext):
    async def __aexit__(self, *exc: Any) -> None:
        try:
            await super().__aexit__(*exc)
        finally:
            # The statements never gave the loop back: now that the write lock is free, let
            # the other tasks run.
            await asyncio.sleep(0)


class _Writing(ConnectionWrapper[Direct]):
    """A statement on the writing connection outside a transaction."""

    async def __aexit__(self, *exc: Any) -> None:
        self._lock.release()
        await asyncio.sleep(0)


class Client(SqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        self._reader: Direct | None = None

    async def create_connection(self, with_db: bool) -> None:
        if self._connection is None:
            self._connection = _connect(self.filename, self.pragmas)  # type: ignore[assignment]
            await self._post_connect()

    def _in_transaction(self) -> TransactionContext:
        return _TransactionContext(_Transaction(self), self._lock)

    def acquire_connection(self) -> Any:
        return _Writing(self._lock, self)

    def acquire_reader(self) -> Any:
        """The connection for a statement that only reads (outside a transaction)."""
        if self.filename == ":memory:":  # another connection would open another database
            return self.acquire_connection()
        return self._reading()

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[Direct]:
        if self._reader is None:
            timeout = int(self.pragmas.get("busy_timeout", 10_000))
            self._reader = _connect(self.filename, {"query_only": "ON", "busy_timeout": timeout})
        yield self._reader

    async def execute_query(
        self, query: str, values: list[Any] | None = None
    ) -> tuple[int, Sequence[dict[str, Any]]]:
        if not is_read(query):
            return await super().execute_query(query, values)
        rows = await self._read(query, values)
        return len(rows), rows

    async def execute_query_dict(self, query: str, values: list[Any] | None = None) -> list[dict]:
        if not is_read(query):
            return await super().execute_query_dict(query, values)
        return [dict(row) for row in await self._read(query, values)]

    async def _read(self, query: str, values: list[Any] | None) -> Sequence[Any]:
        async with self.acquire_reader() as conn:
            self.log.debug("%s: %s", query, values)
            try:
                return await conn.execute_fetchall(query, values)  # type: ignore[no-any-return]
            except sqlite3.OperationalError as exc:
                raise OperationalError(exc) from exc

    async def close(self) -> None:
        if self._reader is not None:
            reader, self._reader = self._reader, None
            await reader.close()
        await super().close()


client_class = Client
