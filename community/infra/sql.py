"""Hand-written SQL for the hot paths, sent through Tortoise's connection.

Statements run on the connection Tortoise hands out (``acquire_connection()``: the current
``in_transaction()``'s, or one from the pool) and are logged on the ORM's own statement
logger; only the ORM's query building (about half a millisecond of CPU per statement,
measured) and row copying are skipped. Write PostgreSQL placeholders: ``$1``, ``$2`` … (a
number may repeat); on SQLite they are sent as ``?1``, ``?2`` …, which SQLite binds the same
way. Use only SQL both databases speak (``CAST(x AS
BIGINT)``, ``ON CONFLICT … DO UPDATE``, ``RETURNING``).

:func:`insert` writes rows of a model with the model's own field conversions, so a row
written here reads back through the ORM exactly like one the ORM wrote.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import asyncpg
from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from community.infra.sqlite import is_read

__all__ = ["execute", "fetch", "fetchrow", "insert", "insert_sql", "placeholders", "to_model"]

Row = Mapping[str, Any]
# The ORM's own statement log: hand-written statements show up (and are counted) beside it.
_log = logging.getLogger("tortoise.db_client")


@lru_cache(maxsize=4096)
def _for_sqlite(statement: str) -> str:
    return re.sub(r"\$(\d+)", r"?\1", statement)


async def fetch(statement: str, *args: Any) -> list[Row]:
    """Every row the statement returns (also for ``… RETURNING``); a row reads like a dict
    (``row["id"]``, ``dict(row)``)."""
    conn = connections.get("default")
    postgres = conn.capabilities.dialect == "postgres"
    text = statement if postgres else _for_sqlite(statement)
    # The driver's own connection (the transaction's, one from the pool, or the embedded
    # database's read connection): Tortoise's execute_query_dict costs a third more CPU per
    # statement, mostly copying rows to dicts.
    reader = getattr(conn, "acquire_reader", None)
    source = reader() if reader is not None and is_read(text) else conn.acquire_connection()
    async with source as raw:
        _log.debug("%s: %s", text, args)
        try:
            if postgres:
                return await raw.fetch(text, *args)  # type: ignore[no-any-return]
            return await raw.execute_fetchall(text, args)  # type: ignore[no-any-return]
        except (asyncpg.IntegrityConstraintViolationError, sqlite3.IntegrityError) as exc:
            raise IntegrityError(exc) from exc


async def fetchrow(statement: str, *args: Any) -> Row | None:
    rows = await fetch(statement, *args)
    return rows[0] if rows else None


async def execute(statement: str, *args: Any) -> int:
    """Run a statement without ``RETURNING``; returns how many rows it changed."""
    conn = connections.get("default")
    postgres = conn.capabilities.dialect == "postgres"
    text = statement if postgres else _for_sqlite(statement)
    async with conn.acquire_connection() as raw:
        _log.debug("%s: %s", text, args)
        try:
            if postgres:
                status = await raw.execute(text, *args)  # "UPDATE 3"
                return int(status.rsplit(" ", 1)[-1]) if status[-1].isdigit() else 0
            before = raw.total_changes
            await raw.execute_fetchall(text, args)
            return int(raw.total_changes - before)
        except (asyncpg.IntegrityConstraintViolationError, sqlite3.IntegrityError) as exc:
            raise IntegrityError(exc) from exc


@lru_cache(maxsize=1024)
def _insert_text(
    table: str, columns: tuple[str, ...], rows: int, first: int, returning: str
) -> str:
    width = len(columns)
    values = ", ".join(
        "(" + ", ".join(f"${first + r * width + c}" for c in range(width)) + ")"
        for r in range(rows)
    )
    names = ", ".join(f'"{c}"' for c in columns)
    tail = f" RETURNING {returning}" if returning else ""
    return f'INSERT INTO "{table}" ({names}) VALUES {values}{tail}'


@lru_cache(maxsize=1024)
def _layout(
    model: type[Model], given: tuple[str, ...]
) -> tuple[tuple[str, ...], list[Any], tuple[str, ...], dict[str, Any]]:
    """For rows with the fields ``given``: every field written (the given ones, then those
    with a default, which the ORM fills in Python, not the database), their field objects,
    their columns, and the defaults."""
    meta = model._meta
    defaults = {
        name: meta.fields_map[name].default
        for name in meta.fields_db_projection
        if name != meta.pk_attr and name not in given and meta.fields_map[name].default is not None
    }
    names = (*given, *defaults)
    fields = [meta.fields_map[n] for n in names]
    return names, fields, tuple(meta.fields_db_projection[n] for n in names), defaults


def insert_sql(
    model: type[Model], rows: Sequence[Mapping[str, Any]], *, first: int = 1, returning: str = ""
) -> tuple[str, list[Any]]:
    """One ``INSERT`` of ``rows`` (field name → value, every row with the same fields), with
    the model's defaults filled in and each value converted as its field would; placeholders
    start at ``$first``. Returns the statement and its arguments."""
    names, fields, columns, defaults = _layout(model, tuple(rows[0]))
    args = [
        field.to_db_value(
            row[name] if name in row else (d() if callable(d := defaults[name]) else d), model
        )
        for row in rows
        for name, field in zip(names, fields, strict=True)
    ]
    return _insert_text(model._meta.db_table, columns, len(rows), first, returning), args


async def insert(
    model: type[Model], rows: Sequence[Mapping[str, Any]], *, returning: str = ""
) -> list[Row]:
    """Insert ``rows`` in one statement (see :func:`insert_sql`); returns the ``returning``
    columns of each row."""
    if not rows:
        return []
    statement, args = insert_sql(model, rows, returning=returning)
    if returning:
        return await fetch(statement, *args)
    await execute(statement, *args)
    return []


def to_model(model: type[Model], row: Mapping[str, Any]) -> Any:
    """A model instance from a whole row (``SELECT *`` or ``RETURNING *``)."""
    return model._init_from_db(**row)


def placeholders(values: Iterable[Any], start: int = 1) -> str:
    """``$start, $start+1, …`` for an ``IN (…)`` list of ``values``."""
    return ", ".join(f"${start + i}" for i, _ in enumerate(values))
