"""Hand-written SQL (community.infra.sql) and the embedded database's client: one statement
text for both databases, rows written by hand that read back through the ORM unchanged, and
the read connection's view of transactions."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from community.infra import clock, db, sql
from community.orders.models import Order, OrderStatus
from tests.conftest import BACKEND


async def test_numbered_placeholders_repeat_on_both_databases() -> None:
    row = await sql.fetchrow(
        "SELECT CAST($1 AS BIGINT) + CAST($1 AS BIGINT) AS twice, CAST($2 AS BIGINT) AS other",
        21,
        5,
    )
    assert row is not None and (row["twice"], row["other"]) == (42, 5)
    assert await sql.fetch("SELECT 1 AS one WHERE 1 = 0") == []


async def test_insert_fills_defaults_and_reads_back_through_the_orm() -> None:
    now = clock.now()
    address = {"recipient": "Mei", "city": "杭州", "line1": "88 West Lake Road"}
    (row,) = await sql.insert(
        Order,
        [
            {
                "buyer_id": 1,
                "shop_id": 2,
                "seller_id": 3,
                "status": OrderStatus.AWAITING_PAYMENT,
                "subtotal": 1250,
                "total": 1250,
                "shipping_address": address,
                "pay_by": now,
                "created_at": now,
            }
        ],
        returning="*",
    )
    stored = await Order.get(id=row["id"])
    assert sql.to_model(Order, row).created_at == stored.created_at == now
    assert stored.shipping_address == address
    assert stored.status == OrderStatus.AWAITING_PAYMENT
    # The model's defaults, which the ORM fills in Python rather than the database:
    assert (stored.discount, stored.refunded, stored.carrier, stored.confirm_extended) == (
        0,
        0,
        "",
        False,
    )


async def test_execute_counts_the_rows_it_changed() -> None:
    rows = [{"key": f"k{i}", "kind": "WALLET", "owner_id": i} for i in range(3)]
    from community.ledger.models import Account

    await sql.insert(Account, rows)
    changed = await sql.execute(
        "UPDATE ledger_account SET balance = balance + $1 WHERE owner_id < $2", 5, 2
    )
    assert changed == 2


embedded_only = pytest.mark.skipif(
    BACKEND != "embedded",
    reason="the embedded database's own client (the server pass uses PostgreSQL)",
)


@embedded_only
async def test_embedded_reads_outside_a_transaction_see_only_what_is_committed() -> None:
    from community.ledger.models import Account

    assert not db.is_postgres()
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> None:
        async with in_transaction():
            await sql.insert(Account, [{"key": "pending", "kind": "WALLET", "owner_id": 7}])
            # The transaction's own reads see its write (they use its connection).
            assert await sql.fetchrow("SELECT id FROM ledger_account WHERE key = 'pending'")
            inside.set()
            await release.wait()

    task = asyncio.create_task(writer())
    await inside.wait()
    # Meanwhile a read outside the transaction uses the read connection: it neither waits
    # for the open transaction nor sees its uncommitted row.
    assert await sql.fetch("SELECT id FROM ledger_account WHERE key = 'pending'") == []
    assert await Account.filter(key="pending").count() == 0
    release.set()
    await task
    assert await sql.fetchrow("SELECT id FROM ledger_account WHERE key = 'pending'")
    assert await Account.filter(key="pending").count() == 1
    conn = connections.get("default")
    assert conn._reader is not None  # type: ignore[attr-defined]
