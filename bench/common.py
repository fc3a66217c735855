"""What the benchmarks share: server processes, the load generator, percentiles, the table
for a reader at a terminal and the ``--json`` document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.e2e.servers import ROOT, LiveServer, free_port, live_server

__all__ = [
    "DEFAULT_DATABASE_URL",
    "DEFAULT_REDIS_URL",
    "Load",
    "Options",
    "Result",
    "as_dicts",
    "backend_env",
    "ensure_database",
    "haowu_server",
    "load",
    "percentile",
    "print_table",
    "run_loadgen",
    "uvicorn_server",
]

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/haowu_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
# Every server in a run is one uvicorn process with the same settings as `haowu serve`
# (uvloop, httptools), logging only warnings so no access log line is written per request.
QUIET = {"LOG_LEVEL": "warning"}


@dataclass(frozen=True)
class Options:
    seconds: float
    concurrency: int
    warmup: float
    database_url: str
    redis_url: str


@dataclass
class Result:
    key: str
    name: str
    backend: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cpu: float | None
    client_cpu: float
    host_cpu: float | None
    vs_bare: float | None = None


@dataclass(frozen=True)
class Load:
    """One measurement: POST ``body`` to ``path`` with ``headers``; every answer must be the
    JSON document ``expected`` (byte for byte the same as the first one)."""

    key: str
    name: str
    body: str
    expected: Any
    headers: dict[str, str]
    path: str = "/graphql"


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of values sorted ascending."""
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def backend_env(backend: str, options: Options) -> dict[str, str]:
    if backend == "embedded":
        return {}
    return {"DATABASE_URL": options.database_url, "REDIS_URL": options.redis_url, "RUN_WORKER": "0"}


async def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    import asyncpg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name == "test" or url == os.environ.get("TEST_DATABASE_URL"):
        raise SystemExit(f"refusing to benchmark in {url!r}: the test suite drops its schema")
    admin = parts._replace(scheme="postgresql", path="/postgres").geturl()
    conn = await asyncpg.connect(admin)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


@contextmanager
def haowu_server(data_dir: Path, env: dict[str, str]) -> Iterator[LiveServer]:
    """``haowu serve`` on a free port (migrates first)."""
    with live_server(data_dir, extra_env={**env, **QUIET}) as server:
        yield server


@contextmanager
def uvicorn_server(factory: str, data_dir: Path, env: dict[str, str]) -> Iterator[LiveServer]:
    """``uvicorn --factory <factory>`` on a free port, with the environment `haowu serve`
    gets; waits until /health answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    full_env.update(DATA_DIR=str(data_dir), SECRET_KEY="e2e-secret", PYTHONUNBUFFERED="1")
    full_env.update(PASSWORD_HASH_PROFILE="CHEAPEST", **env, **QUIET)
    command = [sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    log_path = data_dir / f"{factory.split(':')[0]}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=full_env, cwd=ROOT, stdout=log, stderr=log)
    server = LiveServer(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{factory} exited early:\n{server.log()}")
            try:
                if httpx.get(f"{server.url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{factory} did not start:\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def load(server: LiveServer, job: Load, backend: str, options: Options) -> Result:
    """Check one answer by hand, then run the load generator process against ``server``."""
    url = f"{server.url}{job.path}"
    check = httpx.post(url, content=job.body, headers=job.headers, timeout=10)
    if check.status_code != 200 or check.json() != job.expected:
        raise RuntimeError(f"{job.name}: unexpected answer {check.status_code} {check.text}")
    spec = {
        "path": job.path,
        "headers": job.headers,
        "body": job.body,
        "expected": check.text,
    }
    return run_loadgen(server, spec, job.key, job.name, backend, options)


def run_loadgen(
    server: LiveServer, spec: dict[str, Any], key: str, name: str, backend: str, options: Options
) -> Result:
    """Run :mod:`bench.loadgen` against ``server`` with ``spec`` (path, headers and body, or
    ``requests`` to rotate over; ``expected`` or ``expected_prefix``)."""
    spec = {
        "host": "127.0.0.1",
        "port": urlsplit(server.url).port,
        "concurrency": options.concurrency,
        "seconds": options.seconds,
        "warmup": options.warmup,
        "server_pid": server.process.pid,
        **spec,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench.loadgen"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    raw = json.loads(done.stdout)
    if raw["failures"]:
        raise RuntimeError(f"{name}: connections failed: {raw['failures']}")
    latencies = raw["latencies"]
    errors = sum(n for status, n in raw["statuses"].items() if status != "200")
    return Result(
        key=key,
        name=name,
        backend=backend,
        requests=raw["requests"],
        rps=raw["requests"] / raw["seconds"],
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        errors=errors + raw["mismatched"],
        server_cpu=raw["server_cpu"],
        client_cpu=raw["client_cpu"],
        host_cpu=raw["host_cpu"],
    )


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        first = values[0].ljust(widths[0])
        return "  ".join(
            [first, *(v.rjust(w) for v, w in zip(values[1:], widths[1:], strict=True))]
        )

    print(f"\n{title}")
    print(line(list(headers)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(line(row))


def as_dicts(results: Sequence[Result]) -> list[dict[str, Any]]:
    return [asdict(r) for r in results]
