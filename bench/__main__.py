"""``python -m bench [me] [checkout] [feed] [--backend embedded|server|both] [--seconds N]
[--concurrency N] [--json]`` (no benchmark named: all three)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import checkout, documents, me_query
from bench.common import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    Options,
    Result,
    as_dicts,
    ensure_database,
    print_table,
)

METHOD = (
    "Load: {c} keep-alive HTTP/1.1 connections from a separate load-generator process "
    "(bench/loadgen.py: raw asyncio + uvloop, closed loop, each connection sends its next "
    "request when the previous answer is read), {w:g} s warm-up then {s:g} s measured per row. "
    "Every server is one uvicorn process (uvloop + httptools, log level warning) on 127.0.0.1. "
    "This machine has {cpus} CPUs, shared by the server, the load generator and "
    "PostgreSQL/Redis: the CPU columns (100 % = one core) show who was the bottleneck."
)


BENCHMARKS = ("me", "checkout", "feed")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "benchmarks",
        nargs="*",
        metavar="BENCHMARK",
        help=f"which to run: {', '.join(BENCHMARKS)} (default: all)",
    )
    parser.add_argument("--backend", choices=["embedded", "server", "both"], default="embedded")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per row")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per row")
    parser.add_argument("--concurrency", type=int, default=16, help="client connections")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--reseed", action="store_true", help="feed: rebuild the seeded community even if cached"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="PostgreSQL for --backend server (created if missing; never the test database)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help="Redis for --backend server",
    )
    args = parser.parse_args(argv)
    unknown = [b for b in args.benchmarks if b not in BENCHMARKS]
    if unknown:
        parser.error(
            f"unknown benchmark {', '.join(unknown)} (choose from {', '.join(BENCHMARKS)})"
        )
    args.benchmarks = [b for b in BENCHMARKS if b in args.benchmarks] or list(BENCHMARKS)
    return args


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f} %"


def _ratio(results: list[Result], backend: str, label: str, key: str, base: str) -> str | None:
    by_key = {r.key: r for r in results if r.backend == backend}
    a, b = by_key.get(key), by_key.get(base)
    if a is None or b is None:
        return None
    return f"{backend}: {label}: {a.rps:,.0f} vs {b.rps:,.0f} req/s = {a.rps / b.rps:.2f}x"


def _summary(results: list[Result]) -> list[str]:
    comparisons = [
        ("document cache, Me operation (Haowu text vs naive)", "haowu-me", "naive-me"),
        ("document cache, small query (Haowu text vs naive)", "haowu-small", "naive-small"),
        ("persisted documentId vs text (Haowu, Me operation)", "haowu-me-id", "haowu-me"),
    ]
    lines = []
    for backend in dict.fromkeys(r.backend for r in results if r.key != "bare"):
        for label, key, base in comparisons:
            if line := _ratio(results, backend, label, key, base):
                lines.append(line)
    return lines


HTTP_COLUMNS = ["benchmark", "backend", "req/s", "p50", "p99", "vs bare", "errors"]
CPU_COLUMNS = ["server", "client", "host"]


def _print_report(micro: list[documents.Timing], results: list[Result], summary: list[str]) -> None:
    print_table(
        "In-process, one call (graphql-core; µs, median and best of batches of 20)",
        ["step", "document", "median µs", "best µs"],
        [(t.step, t.document, t.us, t.best_us) for t in micro],
    )
    rows = [
        (r.name, r.backend, r.rps, r.p50_ms, r.p99_ms, f"{r.vs_bare:.3f}x", r.errors)
        + (_pct(r.server_cpu), _pct(r.client_cpu), _pct(r.host_cpu))
        for r in results
    ]
    print_table(
        "HTTP: `me` with a bearer token (latency p50/p99 in ms; vs bare = req/s ÷ bare "
        "req/s; CPU: 100 % = one core)",
        HTTP_COLUMNS + CPU_COLUMNS,
        rows,
    )
    print()
    for line in summary:
        print(line)


def _run_me(
    backends: list[str], options: Options, tmp: Path, say: Any
) -> tuple[list[documents.Timing], list[Result], list[str]]:
    say("measuring parse / validate / execute in-process …")
    micro = documents.run()
    results: list[Result] = []
    answer: Any = None
    for backend in backends:
        say(f"measuring the me query on the {backend} backend …")
        measured, answer = me_query.run(backend, options, tmp / backend)
        results += measured
    say("measuring the bare Starlette route …")
    bare = me_query.run_bare(options, tmp / "bare", answer)
    for result in results:
        result.vs_bare = result.rps / bare.rps
    bare.vs_bare = 1.0
    results.insert(0, bare)
    return micro, results, _summary(results)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    options = Options(
        args.seconds, args.concurrency, args.warmup, args.database_url, args.redis_url
    )
    backends = ["embedded", "server"] if args.backend == "both" else [args.backend]
    say = (
        (lambda *_: None) if args.json else (lambda text: print(text, file=sys.stderr, flush=True))
    )
    started = time.monotonic()
    if "server" in backends:
        asyncio.run(ensure_database(options.database_url))

    method = METHOD.format(
        c=options.concurrency, w=options.warmup, s=options.seconds, cpus=os.cpu_count()
    )
    document: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "method": method,
        "options": asdict(options)
        | {"database_url": _redact(options.database_url), "backends": backends},
        "benchmarks": args.benchmarks,
    }
    me: tuple[list[documents.Timing], list[Result], list[str]] | None = None
    checkout_results: list[dict[str, Any]] | None = None
    feed_results: list[dict[str, Any]] | None = None
    with tempfile.TemporaryDirectory(prefix="haowu-bench-") as tmp:
        if "me" in args.benchmarks:
            me = _run_me(backends, options, Path(tmp), say)
            document |= {"micro": [asdict(t) for t in me[0]], "http": as_dicts(me[1])}
            document["summary"] = me[2]
        if "checkout" in args.benchmarks:
            checkout_results = checkout.run(backends, options, Path(tmp), say)
            document["checkout"] = checkout_results
        if "feed" in args.benchmarks:
            from bench import feed

            feed_results = feed.run(backends, options, Path(tmp), say, reseed=args.reseed)
            document["feed"] = feed_results
    elapsed = time.monotonic() - started
    document["elapsed_seconds"] = elapsed

    if args.json:
        json.dump(document, sys.stdout, indent=2, default=str)
        print()
        return 0

    if me is not None:
        _print_report(*me)
    if checkout_results is not None:
        checkout.print_report(checkout_results)
    if feed_results is not None:
        from bench import feed

        feed.print_report(feed_results)
    print(f"\n{method}\nWhole run: {elapsed:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
