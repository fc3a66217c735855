"""Hand-written SQL for the hot paths, sent through Tortoise's connection.

Statements go through ``connections.get("default")``, so they join the caller's
``in_transaction()`` and are logged like every ORM statement; only the ORM's query building
(about half a millisecond of CPU per statement, measured) is skipped. Write PostgreSQL
placeholders: ``$1``, ``$2`` … (a number may repeat); on SQLite they are sent as ``?1``,
``?2`` …, which SQLite binds the same way. Use only SQL both databases speak (``CAST(x AS
BIGINT)``, ``ON CONFLICT … DO UPDATE``, ``RETURNING``).

:func:`insert` writes rows of a model with the model's own field conversions, so a row
written here reads back through the ORM exactly like one the ORM wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from tortoise import connections
from tortoise.models import Model

__all__ = ["execute", "fetch", "fetchrow", "insert", "placeholders", "to_model"]

Row = dict[str, Any]


@lru_cache(maxsize=4096)
def _for_sqlite(statement: str) -> str:
    return re.sub(r"\$(\d+)", r"?\1", statement)


def _text(statement: str, conn: Any) -> str:
    return statement if conn.capabilities.dialect == "postgres" else _for_sqlite(statement)


async def fetch(statement: str, *args: Any) -> list[Row]:
    """Every row the statement returns (also for ``… RETURNING``), as dicts."""
    conn = connections.get("default")
    return await conn.execute_query_dict(_text(statement, conn), list(args))  # type: ignore[no-any-return]


async def fetchrow(statement: str, *args: Any) -> Row | None:
    rows = await fetch(statement, *args)
    return rows[0] if rows else None


async def execute(statement: str, *args: Any) -> int:
    """Run a statement without ``RETURNING``; returns how many rows it changed."""
    conn = connections.get("default")
    changed, _ = await conn.execute_query(_text(statement, conn), list(args))
    return int(changed)


@lru_cache(maxsize=1024)
def _insert_sql(table: str, columns: tuple[str, ...], rows: int, returning: str) -> str:
    width = len(columns)
    values = ", ".join(
        "(" + ", ".join(f"${r * width + c + 1}" for c in range(width)) + ")" for r in range(rows)
    )
    names = ", ".join(f'"{c}"' for c in columns)
    tail = f" RETURNING {returning}" if returning else ""
    return f'INSERT INTO "{table}" ({names}) VALUES {values}{tail}'


def _defaults(model: type[Model]) -> dict[str, Any]:
    """The model's field defaults (the ORM fills them in Python, not the database)."""
    meta = model._meta
    return {
        name: meta.fields_map[name].default
        for name in meta.fields_db_projection
        if name != meta.pk_attr and meta.fields_map[name].default is not None
    }


async def insert(
    model: type[Model], rows: Sequence[Mapping[str, Any]], *, returning: str = ""
) -> list[Row]:
    """Insert ``rows`` (field name → value, every row with the same fields) in one statement,
    filling the model's defaults and converting each value as its field would. Returns the
    ``returning`` columns of each row."""
    if not rows:
        return []
    meta = model._meta
    defaults = {k: v for k, v in _defaults(model).items() if k not in rows[0]}
    names = (*rows[0], *defaults)
    fields = [meta.fields_map[n] for n in names]
    columns = tuple(meta.fields_db_projection[n] for n in names)
    args = [
        field.to_db_value(
            row[name] if name in row else (d() if callable(d := defaults[name]) else d), model
        )
        for row in rows
        for name, field in zip(names, fields, strict=True)
    ]
    statement = _insert_sql(meta.db_table, columns, len(rows), returning)
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
