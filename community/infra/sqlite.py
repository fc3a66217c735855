"""Tortoise's SQLite client for the embedded database: a one-step ``BEGIN`` and a second
connection for reads.

Every statement on SQLite is a trip to aiosqlite's database thread, and Tortoise queues all
of them on one connection: a page's reads wait behind every write transaction, fsync
included (measured: the connection was busy 95 % of the time under the checkout benchmark).
In WAL mode readers don't block the writer nor wait for it, so statements that only read,
outside a transaction, go to a read-only connection of their own (its own thread) and see
every committed write. Transactions stay on the writing connection.

Tortoise opens a transaction with two trips (a ``COMMIT`` that does nothing in autocommit
mode, then ``BEGIN``); one is enough. ``BEGIN IMMEDIATE`` also takes the write lock at once,
so a transaction that reads before it writes cannot fail halfway when another process (a CLI
command) holds the lock: it waits ``busy_timeout`` at the start.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
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
    """The writing connection, driven from the event loop's own thread.

    It offers the part of aiosqlite's API that Tortoise uses. A statement of a write
    transaction is tens of microseconds of SQLite work, less than a trip to aiosqlite's
    thread and back costs, and the trip's wait is spent holding the one write lock: run
    directly, a transaction's statements follow each other with no wait in between. A
    commit blocks the loop for its fsync (about 0.1 ms here)."""

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
        # The one slow step (fsync with synchronous=FULL): in a thread, so the loop serves
        # other requests meanwhile. The write lock is held, so nothing else uses the
        # connection until it returns.
        await asyncio.to_thread(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self._conn.close()


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
            # The transaction's statements never gave the loop back (see Direct): now the
            # write lock is free, let the other tasks run.
            await asyncio.sleep(0)


class _Writing(ConnectionWrapper[Direct]):
    """A statement on the writing connection outside a transaction."""

    async def __aexit__(self, *exc: Any) -> None:
        self._lock.release()
        await asyncio.sleep(0)


class _Reading:
    """The read connection for one statement (opened on first use)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def __aenter__(self) -> aiosqlite.Connection:
        await self.client._reader_lock.acquire()
        try:
            return await self.client._open_reader()
        except BaseException:
            self.client._reader_lock.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self.client._reader_lock.release()


class Client(SqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        self._reader: aiosqlite.Connection | None = None
        self._reader_lock = asyncio.Lock()

    async def create_connection(self, with_db: bool) -> None:
        if self._connection is None:
            conn = sqlite3.connect(self.filename, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            for pragma, value in self.pragmas.items():
                conn.execute(f"PRAGMA {pragma}={value}")
            self._connection = Direct(conn)  # type: ignore[assignment]
            await self._post_connect()

    def _in_transaction(self) -> TransactionContext:
        return _TransactionContext(_Transaction(self), self._lock)

    def acquire_connection(self) -> Any:
        return _Writing(self._lock, self)

    def acquire_reader(self) -> Any:
        """The connection for a statement that only reads (outside a transaction)."""
        if self.filename == ":memory:":  # another connection would open another database
            return self.acquire_connection()
        return _Reading(self)

    async def _open_reader(self) -> aiosqlite.Connection:
        if self._reader is None:
            reader = await aiosqlite.connect(self.filename, isolation_level=None)
            reader.row_factory = sqlite3.Row
            timeout = self.pragmas.get("busy_timeout", 10_000)
            for pragma in ("query_only = ON", f"busy_timeout = {int(timeout)}"):
                await reader.execute(f"PRAGMA {pragma}")
            self._reader = reader
        return self._reader

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
