"""The process-wide resources (database, Redis, live broker) started once per process.

The server's lifespan, ``haowu worker``, the CLI commands and the tests all start the same
runtime, so services reach Redis through :func:`get` whichever process they run in.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from community.infra import db
from community.infra import redis as redis_infra
from community.infra.events import Broker
from community.settings import Settings

__all__ = ["Runtime", "get", "start", "stop"]


@dataclass
class Runtime:
    settings: Settings
    redis: Redis
    broker: Broker


_current: Runtime | None = None


def get() -> Runtime:
    if _current is None:
        raise RuntimeError("the Haowu runtime is not started")
    return _current


async def start(settings: Settings) -> Runtime:
    global _current
    await db.init(settings)
    redis = redis_infra.connect(settings)
    await redis.ping()
    _current = Runtime(settings=settings, redis=redis, broker=Broker(redis))
    return _current


async def stop() -> None:
    global _current
    if _current is None:
        return
    current, _current = _current, None
    await current.broker.close()
    await current.redis.aclose()
    await db.close()
    if current.settings.embedded_redis:
        redis_infra.stop_embedded()
