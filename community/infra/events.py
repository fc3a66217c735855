"""Live events over Redis pub/sub, so a message published by one server process reaches
subscribers connected to any other.

Each process holds one pub/sub connection; the :class:`Broker` subscribes to a Redis channel
while at least one local subscriber listens and fans each message out to in-process queues.
Publish only after the transaction that caused the event has committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from redis.asyncio import Redis

__all__ = ["Broker", "channel"]

log = logging.getLogger(__name__)

Message = dict[str, Any]


def channel(kind: str, ident: object) -> str:
    """The one place live channel names are built."""
    return f"live:{kind}:{ident}"


class Broker:
    def __init__(self, redis: Redis, *, queue_size: int = 256) -> None:
        self._redis = redis
        self._queue_size = queue_size
        self._listeners: dict[str, set[asyncio.Queue[Message]]] = {}
        self._pubsub = redis.pubsub(ignore_subscribe_messages=True)
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def publish(self, name: str, message: Message) -> int:
        return int(await self._redis.publish(name, json.dumps(message, separators=(",", ":"))))

    async def subscribe(self, name: str) -> AsyncIterator[Message]:
        """Yield every message published on ``name`` from now until the caller stops."""
        queue: asyncio.Queue[Message] = asyncio.Queue(self._queue_size)
        async with self._lock:
            listeners = self._listeners.setdefault(name, set())
            if not listeners:
                await self._pubsub.subscribe(name)
            listeners.add(queue)
            if self._reader is None or self._reader.done():
                self._reader = asyncio.create_task(self._read(), name="broker-reader")
        try:
            while True:
                yield await queue.get()
        finally:
            async with self._lock:
                listeners.discard(queue)
                if not listeners:
                    self._listeners.pop(name, None)
                    await self._pubsub.unsubscribe(name)

    async def _read(self) -> None:
        while self._listeners:
            try:
                raw = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("pub/sub read failed; retrying")
                await asyncio.sleep(0.5)
                continue
            if raw is None or raw.get("type") != "message":
                continue
            name = raw["channel"].decode() if isinstance(raw["channel"], bytes) else raw["channel"]
            message = json.loads(raw["data"])
            for queue in tuple(self._listeners.get(name, ())):
                if queue.full():
                    # A slow subscriber loses its oldest message rather than stalling others.
                    queue.get_nowait()
                queue.put_nowait(message)

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._pubsub.aclose()
