"""What the in-process benchmarks share: settings per backend, a started runtime, the SQL
statement log, a measured window for closed-loop tasks, and CPU readings."""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tortoise.backends.base.executor import EXECUTOR_CACHE

from bench.common import Options, percentile
from bench.loadgen import _host_cpu
from community.catalog.categories import sync_categories
from community.infra import db, runtime
from community.settings import Settings

__all__ = [
    "Cpu",
    "Window",
    "run_async",
    "runtime_started",
    "settings_for",
    "statements",
    "summary_ms",
]

T = TypeVar("T")


def settings_for(backend: str, options: Options, data_dir: Path) -> Settings:
    """The settings a bench process uses: embedded under ``data_dir``, or the server URLs."""
    data_dir.mkdir(parents=True, exist_ok=True)
    server = backend == "server"
    return Settings(
        data_dir=data_dir,
        database_url=options.database_url if server else None,
        redis_url=options.redis_url if server else None,
        secret_key="bench-secret",
        password_profile="CHEAPEST",
        run_worker="0",
    )


@asynccontextmanager
async def runtime_started(settings: Settings) -> AsyncIterator[runtime.Runtime]:
    """Migrate, start the runtime (Tortoise + Redis) and load the categories."""
    # Tortoise caches each model's INSERT/UPDATE/DELETE SQL by connection name and table, not
    # by dialect: after a SQLite run, PostgreSQL would get "?" placeholders. Forget them.
    EXECUTOR_CACHE.clear()
    await db.migrate(settings)
    rt = await runtime.start(settings)
    try:
        await sync_categories()
        yield rt
    finally:
        await runtime.stop()


def run_async(main: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine on uvloop (what the server runs on), else on asyncio."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] installs it
        return asyncio.run(main())  # type: ignore[arg-type]
    return uvloop.run(main())  # type: ignore[arg-type,no-any-return]


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements sent while the block runs, as Tortoise's db client logs them
    (every statement, at DEBUG, on ``tortoise.db_client``)."""
    sent: list[str] = []

    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            args = record.args
            text = args[0] if isinstance(args, tuple) and args else record.msg
            sent.append(" ".join(str(text).split()))

    logger = logging.getLogger("tortoise.db_client")
    handler, level = _Handler(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield sent
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@dataclass
class Window:
    """A measured window for closed-loop tasks: a call counts when it starts and ends
    inside it; ``stop`` is set once the window is over."""

    start: float = float("inf")
    end: float = float("inf")
    stop: bool = False
    latencies: dict[str, list[float]] = field(default_factory=dict)
    completed: int = 0
    failures: list[str] = field(default_factory=list)

    def inside(self, started: float, ended: float) -> bool:
        if ended > self.end:
            self.stop = True
        return started >= self.start and ended <= self.end

    def record(self, step: str, started: float, ended: float) -> None:
        if self.inside(started, ended):
            self.latencies.setdefault(step, []).append(ended - started)

    async def run(self, tasks: list[Awaitable[Any]], warmup: float, seconds: float) -> Cpu:
        """Run ``tasks`` (closed loops checking :attr:`stop`); returns the window's CPU."""
        running = [asyncio.ensure_future(t) for t in tasks]
        await asyncio.sleep(warmup)
        before = Cpu.now()
        self.start = time.perf_counter()
        self.end = self.start + seconds
        await asyncio.sleep(seconds)
        cpu = Cpu.now().since(before)
        self.stop = True
        done = await asyncio.gather(*running, return_exceptions=True)
        self.failures += [f"{type(e).__name__}: {e}" for e in done if isinstance(e, BaseException)]
        return cpu


def summary_ms(latencies: list[float]) -> tuple[float | None, float | None]:
    """p50 and p99 in ms (None when nothing was measured)."""
    if not latencies:
        return None, None
    ordered = sorted(latencies)
    return percentile(ordered, 50) * 1000, percentile(ordered, 99) * 1000


@dataclass
class Cpu:
    """CPU of this process and of the whole machine (100 % = one core) over a span."""

    wall: float
    own: float
    host_busy: float
    host_total: float

    @classmethod
    def now(cls) -> Cpu:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        busy, total = _host_cpu()
        return cls(time.perf_counter(), usage.ru_utime + usage.ru_stime, busy, total)

    def since(self, before: Cpu) -> Cpu:
        return Cpu(
            self.wall - before.wall,
            self.own - before.own,
            self.host_busy - before.host_busy,
            self.host_total - before.host_total,
        )

    @property
    def own_share(self) -> float:
        return self.own / self.wall if self.wall else 0.0

    @property
    def host_share(self) -> float:
        if not self.host_total:
            return 0.0
        return self.host_busy / self.host_total * (os.cpu_count() or 1)
