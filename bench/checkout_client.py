"""The checkout lifecycle over HTTP, as a separate client process.

``python -m bench.checkout_client`` reads one JSON job from stdin and writes one JSON result
to stdout. Each buyer is one keep-alive HTTP/1.1 connection running orders back to back:
``PlaceOrder`` → ``Pay`` → ``ShipOrder`` (with the seller's token) → ``ConfirmReceipt``, each a
persisted operation sent by ``documentId``; the next request goes out when the previous answer
has been read. Every answer is parsed and checked (no errors, the expected status). A step
counts when it starts and ends inside the measured window; an order counts when its
``ConfirmReceipt`` ends inside it. A connection finishes the order it is in before stopping,
so no order is left half-way.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from bench.loadgen import _content_length, _host_cpu, _own_cpu, _process_cpu, _request

__all__ = ["main"]

STEPS = ("place", "pay", "ship", "confirm")


@dataclass
class _Window:
    start: float = float("inf")
    end: float = float("inf")
    stop: bool = False
    latencies: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    completed: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)


class _Failed(Exception):
    pass


def _body(document_id: str, input: dict[str, Any]) -> bytes:
    return json.dumps(
        {"documentId": document_id, "variables": {"input": input}}, separators=(",", ":")
    ).encode()


async def _buyer(job: dict[str, Any], index: int, window: _Window) -> None:
    buyer = job["buyers"][index]
    docs = job["documents"]
    host, port, path = job["host"], job["port"], job["path"]
    base = {"Content-Type": "application/json", "Accept": "application/json"}
    as_buyer = {**base, "Authorization": f"Bearer {buyer['token']}"}
    reader, writer = await asyncio.open_connection(host, port)
    clock = time.perf_counter

    async def call(step: str, headers: dict[str, str], body: bytes, want: str | None) -> Any:
        started = clock()
        writer.write(_request(host, port, path, headers, body))
        head = await reader.readuntil(b"\r\n\r\n")
        raw = await reader.readexactly(_content_length(head))
        ended = clock()
        status = int(head[9:12])
        if started >= window.start and ended <= window.end:
            window.latencies[step].append(ended - started)
            window.statuses[status] = window.statuses.get(status, 0) + 1
        answer = json.loads(raw)
        payload = (answer.get("data") or {}).get(job["fields"][step]) if status == 200 else None
        if status != 200 or answer.get("errors") or not payload or payload["errors"]:
            raise _Failed(f"{step}: HTTP {status} {raw[:300]!r}")
        if want is not None and payload["order"]["status"] != want:
            raise _Failed(f"{step}: status {payload['order']['status']}, expected {want}")
        return payload

    try:
        n = 0
        while not window.stop:
            cart = buyer["carts"][n % len(buyer["carts"])]
            seller = {**base, "Authorization": f"Bearer {cart['seller_token']}"}
            key = f"{buyer['token'][:8]}-{n}-{time.time_ns()}"
            n += 1
            try:
                placed = await call(
                    "place",
                    as_buyer,
                    _body(
                        docs["place"], {"addressId": buyer["address_id"], "items": cart["items"]}
                    ),
                    None,
                )
                order_id = placed["orders"][0]["id"]
                order = {"orderId": order_id}
                await call(
                    "pay", as_buyer, _body(docs["pay"], {**order, "idempotencyKey": key}), "PAID"
                )
                ship = {**order, "carrier": "SF Express", "trackingNumber": f"SF{key}"}
                await call("ship", seller, _body(docs["ship"], ship), "SHIPPED")
                confirm = {**order, "idempotencyKey": f"c-{key}"}
                await call("confirm", as_buyer, _body(docs["confirm"], confirm), "COMPLETED")
            except _Failed as failed:
                window.failures.append(str(failed))
                continue
            if window.start <= clock() <= window.end:
                window.completed += 1
            elif clock() > window.end:
                window.stop = True
    except Exception as exc:  # reported, not raised: the other buyers go on
        window.failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        writer.close()


async def _run(job: dict[str, Any]) -> dict[str, Any]:
    window = _Window()
    tasks = [asyncio.create_task(_buyer(job, i, window)) for i in range(len(job["buyers"]))]
    await asyncio.sleep(job["warmup"])
    pid = job["server_pid"]
    cpu0 = (_own_cpu(), _process_cpu(pid), _host_cpu())
    window.start = time.perf_counter()
    window.end = window.start + job["seconds"]
    await asyncio.sleep(job["seconds"])
    cpu1 = (_own_cpu(), _process_cpu(pid), _host_cpu())
    elapsed = time.perf_counter() - window.start
    window.stop = True
    await asyncio.wait(tasks, timeout=30)
    host_total = cpu1[2][1] - cpu0[2][1]
    return {
        "orders": window.completed,
        "seconds": elapsed,
        "latencies": {s: sorted(v) for s, v in window.latencies.items()},
        "statuses": {str(k): v for k, v in window.statuses.items()},
        "failures": window.failures[:5],
        "failed": len(window.failures),
        "client_cpu": (cpu1[0] - cpu0[0]) / elapsed,
        "server_cpu": (cpu1[1] - cpu0[1]) / elapsed,
        "host_cpu": (cpu1[2][0] - cpu0[2][0]) / host_total * (os.cpu_count() or 1)
        if host_total
        else None,
    }


def main() -> int:
    job = json.loads(sys.stdin.read())
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        result = asyncio.run(_run(job))
    else:
        result = uvloop.run(_run(job))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
