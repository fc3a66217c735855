"""Scheduled jobs on arq.

Deadlines are kept in SQL and handled by *sweeps*: idempotent functions that find what is
due according to the injectable clock and act on it, so running one twice (or on two workers)
changes nothing the second time. arq runs every sweep on a cron schedule; tests call
:func:`run_sweeps` directly after moving the clock. Embedded mode runs the worker inside the
server process; with ``REDIS_URL`` set it runs as ``haowu worker``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from arq.connections import RedisSettings
from arq.cron import cron
from arq.worker import Worker

from community.infra import redis as redis_infra
from community.settings import Settings

__all__ = ["SWEEPS", "build_worker", "run_sweeps"]

log = logging.getLogger(__name__)

Sweep = Callable[[], Awaitable[int]]

# "module:function" of every sweep, in the order they run.
SWEEPS: tuple[str, ...] = (
    "community.accounts.jobs:purge_expired_sessions",
    "community.orders.jobs:auto_cancel_unpaid",
    "community.orders.jobs:auto_confirm_shipped",
    "community.ratings.services:close_rating_windows",
    "community.catalog.search:drain",
)


def _load(path: str) -> Sweep:
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


async def run_sweeps() -> dict[str, int]:
    """Run every sweep once; returns how many items each one handled."""
    done: dict[str, int] = {}
    for path in SWEEPS:
        try:
            done[path] = await _load(path)()
        except Exception:
            log.exception("sweep %s failed", path)
            done[path] = -1
    return done


async def _sweep_job(ctx: dict[str, Any]) -> dict[str, int]:
    return await run_sweeps()


def build_worker(settings: Settings, *, own_resources: bool) -> Worker:
    """An arq worker that runs the sweeps every 10 seconds.

    ``own_resources`` makes the worker open and close the database itself (``haowu worker``);
    inside the server the app's lifespan already has.
    """

    async def startup(ctx: dict[str, Any]) -> None:
        if own_resources:
            from community.infra import runtime

            await runtime.start(settings)

    async def shutdown(ctx: dict[str, Any]) -> None:
        if own_resources:
            from community.infra import runtime

            await runtime.stop()

    return Worker(
        functions=[],
        cron_jobs=[cron(_sweep_job, name="sweeps", second={0, 10, 20, 30, 40, 50}, unique=True)],
        redis_settings=RedisSettings.from_dsn(redis_infra.url_for(settings)),
        on_startup=startup,
        on_shutdown=shutdown,
        handle_signals=own_resources,
        queue_name="haowu:jobs",
        health_check_key="haowu:jobs:health",
        keep_result=60,
    )
