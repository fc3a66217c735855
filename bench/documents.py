"""Micro-measure, in this process: what graphql-core spends on one request's document.

``parse``, ``validate`` and Haowu's limit check of the small ``me`` query and of the web app's
``Me`` operation, a hit in Haowu's :class:`DocumentCache`, and ``execute`` of the small query
with an in-memory viewer (no database: its fields need none). The difference between
"parse + validate" and "cache hit" is what the document cache saves on every request.
"""

from __future__ import annotations

import asyncio
import inspect
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from graphql import execute, parse, validate

from bench.me_query import ME, SMALL
from community.accounts.models import User
from community.api import limits
from community.api.context import Context
from community.api.documents import DocumentCache
from community.api.schema import schema

__all__ = ["Timing", "run"]


@dataclass
class Timing:
    step: str
    document: str
    us: float  # microseconds per call: median of batches
    best_us: float  # and the fastest batch


def _stats(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples) * 1e6, min(samples) * 1e6


def _time(call: Callable[[], Any], budget: float, batch: int = 20) -> tuple[float, float]:
    samples: list[float] = []
    end = time.perf_counter() + budget
    while time.perf_counter() < end or len(samples) < 5:
        started = time.perf_counter()
        for _ in range(batch):
            call()
        samples.append((time.perf_counter() - started) / batch)
    return _stats(samples)


class _Request:
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    client = None


class _Auth:
    def __init__(self, user: User) -> None:
        self.user = user


def _execute_small(budget: float) -> tuple[float, float]:
    graphql_schema = schema.graphql_schema
    document = parse(SMALL)
    viewer = User(id=1, username="bench", display_name="Bench", email="bench@example.com")

    async def once() -> None:
        context = Context(request=_Request())  # type: ignore[arg-type]
        context.auth = _Auth(viewer)  # type: ignore[assignment]
        result = execute(graphql_schema, document, context_value=context)
        if inspect.isawaitable(result):
            result = await result
        assert not result.errors and result.data, result  # type: ignore[union-attr]

    async def measure() -> tuple[float, float]:
        samples: list[float] = []
        end = time.perf_counter() + budget
        while time.perf_counter() < end or len(samples) < 5:
            started = time.perf_counter()
            for _ in range(20):
                await once()
            samples.append((time.perf_counter() - started) / 20)
        return _stats(samples)

    return asyncio.run(measure())


def run(budget: float = 0.3) -> list[Timing]:
    graphql_schema = schema.graphql_schema
    rules = limits.Limits(max_depth=12, max_cost=5000, max_aliases=30)
    timings: list[Timing] = []
    for label, text in (("small me", SMALL), ("Me operation", ME)):
        document = parse(text)
        assert not validate(graphql_schema, document)
        cache = DocumentCache(graphql_schema, rules)
        cache.get(text)
        timings += [
            Timing("parse", label, *_time(partial(parse, text), budget)),
            Timing("validate", label, *_time(partial(validate, graphql_schema, document), budget)),
            Timing("limits check", label, *_time(partial(limits.check, document, rules), budget)),
            Timing("cache hit", label, *_time(partial(cache.get, text), budget)),
        ]
    timings.append(Timing("execute (no I/O)", "small me", *_execute_small(budget)))
    return timings
