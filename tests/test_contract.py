"""The committed contract matches the code: schema.graphql, the named operations and the
database migrations."""

from __future__ import annotations

from graphql import parse, validate

from community.api.documents import OPERATIONS_DIR
from community.api.schema import SCHEMA_PATH, schema, sdl
from community.infra import db


def test_schema_graphql_is_up_to_date() -> None:
    assert SCHEMA_PATH.read_text() == sdl(), "graphql/schema.graphql is stale: run `haowu schema`"


def test_every_named_operation_is_valid_against_the_schema() -> None:
    paths = sorted(OPERATIONS_DIR.glob("*.graphql"))
    assert paths
    for path in paths:
        document = parse(path.read_text())
        errors = validate(schema.graphql_schema, document)
        assert not errors, f"{path.name}: {errors}"
        names = [d.name.value for d in document.definitions if getattr(d, "name", None)]
        assert path.stem in names, f"{path.name} must define the operation {path.stem}"


async def test_models_and_committed_migrations_agree(settings) -> None:  # type: ignore[no-untyped-def]
    pending = await db.pending_migrations(settings)
    assert not pending, "models changed without a migration: run `haowu makemigrations`"
