"""A small closed-loop HTTP/1.1 load generator, run as its own process.

``python -m bench.loadgen`` reads one JSON job from stdin and writes one JSON result to
stdout. The job is one request (``headers`` and ``body``) or a list of ``requests`` that the
connections rotate over (e.g. one per member); answers must equal ``expected`` byte for byte,
or start with ``expected_prefix`` and carry no ``"errors"``. Each of ``concurrency`` keep-alive connections sends the next request as soon as the
previous answer has been read completely; nothing else (no client library, no JSON parsing)
runs in the loop, so the client costs as little CPU as Python allows. Requests answered
during the warm-up are discarded; a request counts when it starts and ends inside the
measured window. The result carries latency percentiles, the statuses, how many bodies
differed from the expected one, and the CPU used by this process, the server process and the
whole machine during the window.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["main"]

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class _Window:
    start: float = float("inf")
    end: float = float("inf")
    stop: bool = False
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    mismatched: int = 0
    failures: list[str] = field(default_factory=list)


def _request(host: str, port: int, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _content_length(head: bytes) -> int:
    at = head.lower().find(b"\r\ncontent-length:")
    if at < 0:
        raise ValueError("response without Content-Length (chunked answers are not supported)")
    value = head[at + 17 : head.index(b"\r\n", at + 2)]
    return int(value.strip())


async def _connection(
    host: str,
    port: int,
    requests: list[bytes],
    expected: bytes | None,
    prefix: bytes | None,
    window: _Window,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    clock = time.perf_counter
    n = 0
    try:
        while not window.stop:
            request = requests[n % len(requests)]
            n += 1
            started = clock()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            body = await reader.readexactly(_content_length(head))
            ended = clock()
            if started >= window.start and ended <= window.end:
                window.latencies.append(ended - started)
                status = int(head[9:12])
                window.statuses[status] = window.statuses.get(status, 0) + 1
                if expected is not None and body != expected:
                    window.mismatched += 1
                elif prefix is not None and (not body.startswith(prefix) or b'"errors"' in body):
                    window.mismatched += 1
            elif ended > window.end:
                window.stop = True
    except Exception as exc:  # reported, not raised: the other connections go on
        window.failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        writer.close()


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process, from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _host_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, all cores, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return (total - idle) / _TICKS, total / _TICKS


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _requests(job: dict[str, Any]) -> list[bytes]:
    """One request, or the ``requests`` to rotate over (each a dict of headers and body)."""
    host, port, path = job["host"], job["port"], job["path"]
    if job.get("requests"):
        return [
            _request(host, port, path, r["headers"], r["body"].encode()) for r in job["requests"]
        ]
    return [_request(host, port, path, job["headers"], job["body"].encode())]


async def _run(job: dict[str, Any]) -> dict[str, Any]:
    requests = _requests(job)
    expected = job["expected"].encode() if job.get("expected") is not None else None
    prefix = job["expected_prefix"].encode() if job.get("expected_prefix") else None
    window = _Window()
    concurrency = job["concurrency"]
    # Connection i sends requests i, i + concurrency, i + 2 × concurrency, … (rotating).
    tasks = [
        asyncio.create_task(
            _connection(
                job["host"],
                job["port"],
                requests[i::concurrency] or requests,
                expected,
                prefix,
                window,
            )
        )
        for i in range(concurrency)
    ]
    await asyncio.sleep(job["warmup"])
    server_pid = job.get("server_pid")
    cpu0 = (_own_cpu(), _process_cpu(server_pid) if server_pid else 0.0, _host_cpu())
    window.start = time.perf_counter()
    window.end = window.start + job["seconds"]
    await asyncio.sleep(job["seconds"])
    cpu1 = (_own_cpu(), _process_cpu(server_pid) if server_pid else 0.0, _host_cpu())
    elapsed = time.perf_counter() - window.start
    window.stop = True
    await asyncio.wait(tasks, timeout=10)
    latencies = sorted(window.latencies)
    host_busy = cpu1[2][0] - cpu0[2][0]
    host_total = cpu1[2][1] - cpu0[2][1]
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "latencies": latencies,
        "statuses": {str(k): v for k, v in window.statuses.items()},
        "mismatched": window.mismatched,
        "failures": window.failures[:5],
        "client_cpu": (cpu1[0] - cpu0[0]) / elapsed,
        "server_cpu": (cpu1[1] - cpu0[1]) / elapsed if server_pid else None,
        "host_cpu": host_busy / host_total * (os.cpu_count() or 1) if host_total else None,
    }


def main() -> int:
    job = json.loads(sys.stdin.read())
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] installs it
        result = asyncio.run(_run(job))
    else:
        result = uvloop.run(_run(job))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
