"""Benchmark "checkout": the whole order lifecycle place → pay → ship → confirm.

Per backend, on one set of fresh members (8 verified shops with 5 products each, 16 buyers
with an address and a funded wallet):

- **service layer**, in this process: ``orders.services.place_order`` → ``pay`` →
  ``ship_order`` (as the seller) → ``confirm_receipt``, 16 buyers as 16 closed-loop tasks, each
  order one line from a shop that rotates per order;
- **bare transfer**, the issue's reference: :func:`bare_transfer` between two wallets (a
  conditional debit, a credit, the transfer row, two postings, one transaction, hand-written
  through Tortoise's connection), 16 tasks, each between its own two wallets;
- **HTTP**: the same lifecycle as the web app sends it (persisted ``PlaceOrder``, ``Pay``,
  ``ShipOrder``, ``ConfirmReceipt`` with bearer tokens) against a real ``haowu serve``, from
  :mod:`bench.checkout_client` in its own process, 16 buyers = 16 connections;
- **SQL statements per step** for an order of 1 line and one of 5 lines (5 variants of one
  shop), through the services and through the GraphQL request (ASGI, in process: adds the
  session lookup and the payload's fields);
- the **ledger invariants** at the end (``ledger.services.check_invariants()`` must be
  empty), every order of the run completed, and its escrow empty.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from tortoise.transactions import in_transaction

from bench.common import Options, backend_env, haowu_server, print_table
from bench.inprocess import Window, run_async, runtime_started, settings_for, statements
from bench.inprocess import summary_ms as _ms
from community.accounts import services as accounts
from community.accounts.models import User
from community.api.documents import OPERATIONS_DIR, document_id
from community.api.relay import encode_id
from community.catalog import services as catalog
from community.catalog.models import Category, ProductStatus, Shop
from community.infra import db, runtime, sql
from community.infra.errors import DomainError
from community.ledger import services as ledger
from community.ledger.errors import LedgerCode
from community.ledger.models import Account, AccountKind, TransferKind
from community.orders import cart
from community.orders import services as orders
from community.orders.models import Order, OrderStatus
from community.settings import Settings
from tests.e2e.servers import ROOT

__all__ = ["print_report", "run"]

SELLERS = 8
PRODUCTS_PER_SHOP = 5
PASSWORD = "plum blossom teapot 42"
TOP_UP = 5_000_000  # the sandbox provider's limit per charge
STEPS = ("place", "pay", "ship", "confirm")
OPERATIONS = {
    "place": "PlaceOrder",
    "pay": "Pay",
    "ship": "ShipOrder",
    "confirm": "ConfirmReceipt",
}
FIELDS = {"place": "placeOrder", "pay": "pay", "ship": "shipOrder", "confirm": "confirmReceipt"}
# Targets: lifecycles per second, and a lifecycle costing at most six bare transfers.
SERVICE_TARGET = {"server": 300.0, "embedded": 150.0}
HTTP_TARGET = 100.0
TRANSFERS_PER_ORDER = 6


@dataclass
class Member:
    user: User
    token: str
    address_id: int = 0


@dataclass
class Seller:
    member: Member
    variants: list[int] = field(default_factory=list)


@dataclass
class Setup:
    sellers: list[Seller]
    buyers: list[Member]
    counter: Member  # buys the orders whose statements are counted
    wallets: list[tuple[int, int]]  # (owner a, owner b) per transfer task


# --- setup ------------------------------------------------------------------------------


async def _member(name: str) -> Member:
    auth = await accounts.register(username=name, email=f"{name}@example.com", password=PASSWORD)
    return Member(user=auth.user, token=auth.token)


async def _seller(name: str, category_id: int) -> Seller:
    """A verified shop with its deposit and products, the way tests/support.py makes one."""
    member = await _member(name)
    user = member.user
    await catalog.open_shop(user, name=f"{name}'s shop")
    await catalog.start_verification(user)
    sent = (await Shop.get(owner_id=user.id)).verification_amount
    await catalog.confirm_verification(user, amount=sent)
    required = runtime.get().settings.shop_deposit_required
    await ledger.top_up(user.id, amount=required)
    await catalog.lock_deposit(user, amount=required)
    seller = Seller(member)
    for n in range(PRODUCTS_PER_SHOP):
        product = await catalog.create_product(
            user,
            title=f"Celadon teacup no. {n + 1}",
            category_id=category_id,
            variants=[
                catalog.VariantSpec(
                    sku=f"{name}-{n}", price=1_000 + 500 * n, stock=catalog.MAX_STOCK
                )
            ],
            status=ProductStatus.ACTIVE,
        )
        variant = await product.variants.all().first()  # type: ignore[attr-defined]
        seller.variants.append(variant.id)
    return seller


async def _buyer(name: str) -> Member:
    member = await _member(name)
    address = await cart.add_address(
        member.user,
        recipient=name,
        phone="+86 138 0000 0000",
        line1="88 West Lake Road",
        city="Hangzhou",
    )
    member.address_id = address.id
    for _ in range(2):
        await ledger.top_up(member.user.id, amount=TOP_UP)
    return member


async def _setup(concurrency: int) -> Setup:
    run = secrets.token_hex(3)
    category = await Category.get(slug="crafts-ceramics")
    sellers = [await _seller(f"co{run}s{i}", category.id) for i in range(SELLERS)]
    buyers = [await _buyer(f"co{run}b{i}") for i in range(concurrency)]
    counter = await _buyer(f"co{run}c")
    wallets = []
    for i in range(concurrency):
        a, b = await _member(f"co{run}wa{i}"), await _member(f"co{run}wb{i}")
        for member in (a, b):  # both wallets exist: the bare transfer looks nothing up
            await ledger.top_up(member.user.id, amount=TOP_UP)
        wallets.append((a.user.id, b.user.id))
    return Setup(sellers, buyers, counter, wallets)


async def _vacuum() -> None:
    """PostgreSQL on this machine runs without autovacuum: every run leaves the dead row
    versions of its updates behind, and the next run would pay for them. Clean up first, as
    autovacuum would on a production server."""
    if db.is_postgres():
        await sql.execute(
            "VACUUM ANALYZE orders_order, orders_event, orders_line, ledger_account, "
            "ledger_transfer, ledger_posting, ledger_idempotency, catalog_variant"
        )


# --- (c) statements per step ------------------------------------------------------------


async def _lifecycle(buyer: Member, seller: Seller, items: list[tuple[int, int]]) -> int:
    """One order through the services, timing nothing; returns its id."""
    order = (await orders.place_order(buyer.user, items=items, address_id=buyer.address_id))[0]
    await orders.pay(buyer.user, order.id, idempotency_key=f"pay-{order.id}")
    await orders.ship_order(
        seller.member.user, order.id, carrier="SF Express", tracking_number=f"SF{order.id:08d}"
    )
    await orders.confirm_receipt(buyer.user, order.id, idempotency_key=f"confirm-{order.id}")
    return order.id


async def _service_statements(
    buyer: Member, seller: Seller, items: list[tuple[int, int]]
) -> dict[str, list[str]]:
    sent: dict[str, list[str]] = {}
    with statements() as log:
        order = (await orders.place_order(buyer.user, items=items, address_id=buyer.address_id))[0]
    sent["place"] = list(log)
    with statements() as log:
        await orders.pay(buyer.user, order.id, idempotency_key=f"pay-{order.id}")
    sent["pay"] = list(log)
    with statements() as log:
        await orders.ship_order(
            seller.member.user, order.id, carrier="SF Express", tracking_number=f"SF{order.id:08d}"
        )
    sent["ship"] = list(log)
    with statements() as log:
        await orders.confirm_receipt(buyer.user, order.id, idempotency_key=f"confirm-{order.id}")
    sent["confirm"] = list(log)
    return sent


def _document_ids() -> dict[str, str]:
    return {
        step: document_id((OPERATIONS_DIR / f"{name}.graphql").read_text())
        for step, name in OPERATIONS.items()
    }


async def _graphql_statements(
    settings: Settings, buyer: Member, seller: Seller, items: list[tuple[int, int]]
) -> dict[str, list[str]]:
    """The same steps as GraphQL requests through the app over ASGI (no network). A first
    lifecycle compiles the four documents; the second is counted."""
    from community.app import create_app

    docs = _document_ids()
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 4000))
    address = encode_id("Address", buyer.address_id)
    lines = [{"variantId": encode_id("Variant", v), "quantity": q} for v, q in items]
    sent: dict[str, list[str]] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:

        async def call(step: str, token: str, input: dict[str, Any]) -> Any:
            body = {"documentId": docs[step], "variables": {"input": input}}
            with statements() as log:
                response = await http.post(
                    "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
                )
            payload = response.json()["data"][FIELDS[step]]
            if payload["errors"]:
                raise RuntimeError(f"{step}: {payload['errors']}")
            sent[step] = list(log)
            return payload

        for _ in range(2):
            placed = await call("place", buyer.token, {"addressId": address, "items": lines})
            order = {"orderId": placed["orders"][0]["id"]}
            key = secrets.token_hex(6)
            await call("pay", buyer.token, {**order, "idempotencyKey": f"pay-{key}"})
            ship = {**order, "carrier": "SF Express", "trackingNumber": f"SF-{key}"}
            await call("ship", seller.member.token, ship)
            await call("confirm", buyer.token, {**order, "idempotencyKey": f"confirm-{key}"})
    return sent


async def _count(settings: Settings, setup: Setup) -> dict[str, Any]:
    seller = setup.sellers[0]
    one = [(seller.variants[0], 1)]
    five = [(v, 1) for v in seller.variants]
    await _lifecycle(setup.counter, seller, one)  # warm every code path once
    return {
        "service": {
            "1 line": await _service_statements(setup.counter, seller, one),
            "5 lines": await _service_statements(setup.counter, seller, five),
        },
        "graphql": {
            "1 line": await _graphql_statements(settings, setup.counter, seller, one),
            "5 lines": await _graphql_statements(settings, setup.counter, seller, five),
        },
    }


# --- (a) service layer and (d) bare transfers -------------------------------------------


async def _service_load(setup: Setup, options: Options) -> dict[str, Any]:
    window = Window()
    clock = time.perf_counter

    async def buyer_loop(index: int) -> None:
        buyer, n = setup.buyers[index], 0
        while not window.stop:
            seller = setup.sellers[(index + n) % len(setup.sellers)]
            variant = seller.variants[n % len(seller.variants)]
            n += 1
            try:
                t0 = clock()
                order = (
                    await orders.place_order(
                        buyer.user, items=[(variant, 1)], address_id=buyer.address_id
                    )
                )[0]
                t1 = clock()
                await orders.pay(buyer.user, order.id, idempotency_key=f"pay-{order.id}")
                t2 = clock()
                await orders.ship_order(
                    seller.member.user,
                    order.id,
                    carrier="SF Express",
                    tracking_number=f"SF{order.id:08d}",
                )
                t3 = clock()
                await orders.confirm_receipt(
                    buyer.user, order.id, idempotency_key=f"confirm-{order.id}"
                )
                t4 = clock()
            except DomainError as exc:
                window.failures.append(f"{exc.code}: {exc.message}")
                continue
            for step, started, ended in zip(STEPS, (t0, t1, t2, t3), (t1, t2, t3, t4), strict=True):
                window.record(step, started, ended)
            if window.start <= t4 <= window.end:
                window.completed += 1

    cpu = await window.run(
        [buyer_loop(i) for i in range(len(setup.buyers))], options.warmup, options.seconds
    )
    return {
        "orders_per_s": window.completed / cpu.wall,
        "orders": window.completed,
        "steps": {s: _ms(window.latencies.get(s, [])) for s in STEPS},
        "failures": window.failures[:5],
        "failed": len(window.failures),
        "process_cpu": cpu.own_share,
        "host_cpu": cpu.host_share,
    }


async def bare_transfer(debit_account: int, credit_account: int, amount: int) -> None:
    """The reference of the issue: one double-entry transfer at its barest — a conditional
    debit, a credit, the transfer row and its two postings, in one transaction, hand-written
    through Tortoise's connection (no account lookup, no idempotency, no order)."""
    async with in_transaction():
        if not await sql.execute(
            "UPDATE ledger_account SET balance = balance - $1 WHERE id = $2 AND balance >= $1",
            amount,
            debit_account,
        ):
            raise DomainError(LedgerCode.INSUFFICIENT_FUNDS, "bare transfer: no funds")
        await sql.execute(
            "UPDATE ledger_account SET balance = balance + $1 WHERE id = $2", amount, credit_account
        )
        (row,) = await sql.fetch(
            "INSERT INTO ledger_transfer (kind, amount, memo, created_at) "
            "VALUES ($1, $2, $3, $4) RETURNING id",
            TransferKind.PAYMENT.value,
            amount,
            "bench: bare transfer",
            datetime.now(UTC),
        )
        await sql.execute(
            "INSERT INTO ledger_posting (transfer_id, account_id, amount) "
            "VALUES ($1, $2, $3), ($1, $4, $5)",
            row["id"],
            debit_account,
            -amount,
            credit_account,
            amount,
        )


async def _transfer_load(setup: Setup, options: Options) -> dict[str, Any]:
    window = Window()
    clock = time.perf_counter
    keys = [ledger.account_key(AccountKind.WALLET, o) for pair in setup.wallets for o in pair]
    ids = dict(await Account.filter(key__in=keys).values_list("key", "id"))

    async def transfer_loop(a: int, b: int) -> None:
        while not window.stop:
            started = clock()
            await bare_transfer(a, b, 100)
            ended = clock()
            window.record("transfer", started, ended)
            if window.start <= ended <= window.end:
                window.completed += 1
            a, b = b, a

    pairs = [
        (
            ids[ledger.account_key(AccountKind.WALLET, a)],
            ids[ledger.account_key(AccountKind.WALLET, b)],
        )
        for a, b in setup.wallets
    ]
    cpu = await window.run([transfer_loop(a, b) for a, b in pairs], options.warmup, options.seconds)
    p50, p99 = _ms(window.latencies.get("transfer", []))
    return {
        "transfers_per_s": window.completed / cpu.wall,
        "transfers": window.completed,
        "p50_ms": p50,
        "p99_ms": p99,
        "failures": window.failures[:5],
        "process_cpu": cpu.own_share,
        "host_cpu": cpu.host_share,
    }


# --- (b) HTTP -----------------------------------------------------------------------------


def _http_job(setup: Setup, options: Options, url: str, server_pid: int) -> dict[str, Any]:
    buyers = []
    for index, buyer in enumerate(setup.buyers):
        carts = []
        for n in range(len(setup.sellers) * PRODUCTS_PER_SHOP):
            seller = setup.sellers[(index + n) % len(setup.sellers)]
            variant = seller.variants[n % len(seller.variants)]
            carts.append(
                {
                    "items": [{"variantId": encode_id("Variant", variant), "quantity": 1}],
                    "seller_token": seller.member.token,
                }
            )
        buyers.append(
            {
                "token": buyer.token,
                "address_id": encode_id("Address", buyer.address_id),
                "carts": carts,
            }
        )
    return {
        "host": "127.0.0.1",
        "port": urlsplit(url).port,
        "path": "/graphql",
        "documents": _document_ids(),
        "fields": FIELDS,
        "buyers": buyers,
        "seconds": options.seconds,
        "warmup": options.warmup,
        "server_pid": server_pid,
    }


def _http_load(setup: Setup, options: Options, data_dir: Path, backend: str) -> dict[str, Any]:
    with haowu_server(data_dir, backend_env(backend, options)) as server:
        job = _http_job(setup, options, server.url, server.process.pid)
        done = subprocess.run(
            [sys.executable, "-m", "bench.checkout_client"],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"checkout client failed:\n{done.stderr}\n{server.log()[-3000:]}")
    raw = json.loads(done.stdout)
    return {
        "orders_per_s": raw["orders"] / raw["seconds"],
        "orders": raw["orders"],
        "steps": {s: _ms(raw["latencies"][s]) for s in STEPS},
        "statuses": raw["statuses"],
        "failures": raw["failures"],
        "failed": raw["failed"],
        "server_cpu": raw["server_cpu"],
        "client_cpu": raw["client_cpu"],
        "host_cpu": raw["host_cpu"],
    }


# --- (e) invariants -------------------------------------------------------------------


async def _check(setup: Setup) -> dict[str, Any]:
    buyer_ids = [b.user.id for b in [*setup.buyers, setup.counter]]
    unfinished = (
        await Order.filter(buyer_id__in=buyer_ids)
        .exclude(status=OrderStatus.COMPLETED)
        .values_list("id", "status")
    )
    order_ids = await Order.filter(buyer_id__in=buyer_ids).values_list("id", flat=True)
    escrow = await Account.filter(
        key__in=[ledger.account_key(AccountKind.ESCROW, i) for i in order_ids]
    ).values_list("balance", flat=True)
    return {
        "invariants": await ledger.check_invariants(),
        "orders": len(order_ids),
        "unfinished": [f"{i}: {s}" for i, s in unfinished][:10],
        "escrow_left": sum(escrow),
    }


# --- the run ------------------------------------------------------------------------------


def _met(value: float, target: float) -> str:
    return "met" if value >= target else "NOT met"


def run_backend(backend: str, options: Options, data_dir: Path, say: Any) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    settings = settings_for(backend, options, data_dir)

    async def in_process() -> tuple[Setup, dict[str, Any]]:
        async with runtime_started(settings):
            say(
                f"checkout ({backend}): setting up {SELLERS} shops and {options.concurrency} buyers …"
            )
            setup = await _setup(options.concurrency)
            say(f"checkout ({backend}): counting SQL statements per step …")
            counted = await _count(settings, setup)
            say(f"checkout ({backend}): service layer, {options.concurrency} buyers …")
            await _vacuum()
            service = await _service_load(setup, options)
            say(f"checkout ({backend}): bare transfers, {options.concurrency} tasks …")
            await _vacuum()
            transfer = await _transfer_load(setup, options)
            await _vacuum()
        return setup, {"statements": counted, "service": service, "transfer": transfer}

    setup, result = run_async(in_process)
    say(f"checkout ({backend}): over HTTP, {options.concurrency} buyers …")
    result["http"] = _http_load(setup, options, data_dir, backend)

    async def check() -> dict[str, Any]:
        async with runtime_started(settings):
            return await _check(setup)

    result["check"] = run_async(check)
    service, transfer, http = result["service"], result["transfer"], result["http"]
    ratio = service["orders_per_s"] * TRANSFERS_PER_ORDER / transfer["transfers_per_s"]
    result["ratio"] = ratio
    service_target = SERVICE_TARGET[backend]
    result["targets"] = [
        {
            "what": "service layer orders/s",
            "value": service["orders_per_s"],
            "target": service_target,
            "met": service["orders_per_s"] >= service_target,
        },
        {
            "what": "HTTP orders/s",
            "value": http["orders_per_s"],
            "target": HTTP_TARGET,
            "met": http["orders_per_s"] >= HTTP_TARGET,
        },
        {
            "what": "lifecycle ≤ 6 bare transfers (orders/s × 6 ÷ transfers/s)",
            "value": ratio,
            "target": 1.0,
            "met": ratio >= 1.0,
        },
    ]
    result["backend"] = backend
    result["load_average"] = {"before": load_before, "after": os.getloadavg()[0]}
    return result


def run(backends: list[str], options: Options, data_dir: Path, say: Any) -> list[dict[str, Any]]:
    return [run_backend(b, options, data_dir / f"checkout-{b}", say) for b in backends]


# --- the report -----------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f} %"


def _pair(p50_p99: tuple[float | None, float | None] | list[float | None]) -> str:
    p50, p99 = p50_p99
    return "-" if p50 is None or p99 is None else f"{p50:.1f} / {p99:.1f}"


def print_report(results: list[dict[str, Any]]) -> None:
    rows = []
    for r in results:
        s, h, t = r["service"], r["http"], r["transfer"]
        rows.append(
            (
                "lifecycle, service layer",
                r["backend"],
                f"{s['orders_per_s']:,.0f} orders/s",
                *(_pair(s["steps"][step]) for step in STEPS),
                s["failed"],
                f"process {_pct(s['process_cpu'])}, host {_pct(s['host_cpu'])}",
            )
        )
        rows.append(
            (
                "lifecycle, HTTP (haowu serve)",
                r["backend"],
                f"{h['orders_per_s']:,.0f} orders/s",
                *(_pair(h["steps"][step]) for step in STEPS),
                h["failed"],
                f"server {_pct(h['server_cpu'])}, client {_pct(h['client_cpu'])}, "
                f"host {_pct(h['host_cpu'])}",
            )
        )
        rows.append(
            (
                "bare transfer (reference)",
                r["backend"],
                f"{t['transfers_per_s']:,.0f} transfers/s",
                _pair((t["p50_ms"], t["p99_ms"])),
                "",
                "",
                "",
                len(t["failures"]),
                f"process {_pct(t['process_cpu'])}, host {_pct(t['host_cpu'])}",
            )
        )
    print_table(
        "Checkout: whole lifecycles place → pay → ship → confirm, 16 concurrent buyers "
        "(step latency p50 / p99 in ms; CPU: 100 % = one core)",
        ["benchmark", "backend", "throughput", "place", "pay", "ship", "confirm", "errors", "CPU"],
        rows,
    )

    for r in results:
        counted = r["statements"]
        rows = [
            (
                step,
                len(counted["service"]["1 line"][step]),
                len(counted["service"]["5 lines"][step]),
                len(counted["graphql"]["1 line"][step]),
                len(counted["graphql"]["5 lines"][step]),
            )
            for step in STEPS
        ]
        rows.append(
            (
                "whole order",
                *(
                    sum(len(counted[path][lines][s]) for s in STEPS)
                    for path in ("service", "graphql")
                    for lines in ("1 line", "5 lines")
                ),
            )
        )
        print_table(
            f"Checkout ({r['backend']}): SQL statements per step (as Tortoise logs them; "
            "GraphQL = the whole request over ASGI, with the session lookup and payload fields)",
            ["step", "service, 1 line", "service, 5 lines", "GraphQL, 1 line", "GraphQL, 5 lines"],
            rows,
        )

    print()
    for r in results:
        s, t = r["service"], r["transfer"]
        print(
            f"{r['backend']}: lifecycle vs bare transfers: {s['orders_per_s']:,.0f} orders/s × "
            f"{TRANSFERS_PER_ORDER} ÷ {t['transfers_per_s']:,.0f} transfers/s = {r['ratio']:.2f} "
            "(1.00 = a lifecycle costs six bare transfers; target ≥ 1.00)"
        )
        for target in r["targets"]:
            print(
                f"{r['backend']}: target {target['what']} ≥ {target['target']:g}: "
                f"{target['value']:,.2f} → {_met(target['value'], target['target'])}"
            )
        load = r["load_average"]
        print(
            f"{r['backend']}: machine load average (1 min) {load['before']:.2f} before, "
            f"{load['after']:.2f} after ({os.cpu_count()} CPUs: more than that many runnable "
            "processes means they competed for the CPUs)"
        )
        check = r["check"]
        print(
            f"{r['backend']}: ledger invariants: "
            f"{'OK (check_invariants() == [])' if not check['invariants'] else check['invariants'][:5]}; "
            f"{check['orders']} orders of this run, unfinished: {len(check['unfinished'])}, "
            f"escrow left: {check['escrow_left']}"
        )
        for name in ("service", "http"):
            if r[name]["failures"]:
                print(f"{r['backend']}: {name} failures: {r[name]['failures']}")
