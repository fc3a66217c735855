"""The injectable clock: all business code reads time through :func:`now`.

Tests (and the demo seeder) swap the clock with :func:`use` so deadlines can be crossed
without sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FrozenClock", "SystemClock", "now", "use"]


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime | None = None) -> None:
        self._at = at or datetime.now(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._at += delta or timedelta(**kwargs)
        return self._at


_clock: Clock = SystemClock()


def now() -> datetime:
    return _clock.now()


@contextmanager
def use(clock: Clock) -> Iterator[Clock]:
    global _clock
    previous, _clock = _clock, clock
    try:
        yield clock
    finally:
        _clock = previous
