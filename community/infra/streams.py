"""Durable events on Redis streams: written after commit, consumed by the worker.

Live pub/sub (:mod:`community.infra.events`) reaches open pages now; a stream keeps work
(e.g. reindexing) until a consumer group acknowledges it, across restarts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import ResponseError

from community.infra import runtime

__all__ = ["consume", "emit", "stream"]

MAX_LEN = 100_000


def stream(name: str) -> str:
    """The one place stream keys are built."""
    return f"stream:{name}"


async def emit(name: str, **fields: str | int) -> None:
    await runtime.get().redis.xadd(
        stream(name), {k: str(v) for k, v in fields.items()}, maxlen=MAX_LEN, approximate=True
    )


async def consume(
    name: str,
    group: str,
    handle: Callable[[list[dict[str, str]]], Awaitable[Any]],
    *,
    count: int = 500,
    block_ms: int | None = None,
) -> int:
    """Hand the group's next batch of events to ``handle`` and acknowledge them; returns how
    many were handled. Unacknowledged events (a crash mid-batch) are handed out again."""
    redis = runtime.get().redis
    key = stream(name)
    try:
        await redis.xgroup_create(key, group, id="0", mkstream=True)
    except ResponseError:
        pass  # the group exists
    handled = 0
    # First what this consumer was given but did not acknowledge, then new events.
    for start in ("0", ">"):
        reply = await redis.xreadgroup(
            group, "worker", {key: start}, count=count, block=block_ms if start == ">" else None
        )
        for _, entries in reply or []:
            if not entries:
                continue
            events = [{k.decode(): v.decode() for k, v in data.items()} for _, data in entries]
            await handle(events)
            await redis.xack(key, group, *[entry_id for entry_id, _ in entries])
            handled += len(entries)
    return handled
