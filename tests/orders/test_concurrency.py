"""Races through the order and ledger services with ``asyncio.gather``.

On SQLite Tortoise runs one transaction at a time on its single connection, so these check
that interleaved tasks stay correct; on PostgreSQL the tasks truly race over a pool of
connections, so the conditional updates and unique keys are what keep the books right.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from community.catalog.models import Variant
from community.infra.errors import DomainError
from community.ledger import services as ledger
from community.ledger.models import AccountKind, IdempotencyRecord, Transfer, TransferKind
from community.orders import services as orders
from community.orders.models import Order, OrderEvent, OrderStatus
from tests.support import add_address, make_member, make_product, open_ready_shop, user_of

PRICE = 2_500


async def wallet(member_id: int) -> int:
    return await ledger.balance(AccountKind.WALLET, member_id)


async def books_ok() -> None:
    assert await ledger.check_invariants() == []


def outcomes(results: list[Any]) -> tuple[list[Any], Counter[str]]:
    """Split gathered results into successes and a count of refusal codes; anything that is
    not a DomainError fails the test with the exception itself."""
    unexpected = [
        r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)
    ]
    assert not unexpected, unexpected
    done = [r for r in results if not isinstance(r, BaseException)]
    return done, Counter(str(r.code) for r in results if isinstance(r, DomainError))


def mixed_keys(n: int) -> list[str | None]:
    """Idempotency keys for ``n`` racing calls: half share one key (the first call among
    them), some have none, the rest have their own."""
    return ["same" if i % 2 == 0 else None if i % 5 == 1 else f"key-{i}" for i in range(n)]


async def assert_one_winner(scope: str, keys: list[str | None], done: list[Any]) -> None:
    """Exactly the calls sharing the winner's key succeeded (the winner and its replays);
    refused calls left no idempotency record behind."""
    records = await IdempotencyRecord.filter(scope=scope).values_list("key", flat=True)
    assert len(records) <= 1, records
    assert len(done) == (keys.count(records[0]) if records else 1)


async def transfers(order_id: int, kind: TransferKind) -> int:
    return await Transfer.filter(order_id=order_id, kind=kind).count()


@pytest.fixture
async def shop():  # type: ignore[no-untyped-def]
    """A seller with one variant of 5 units at PRICE."""
    seller = await make_member("clayhouse")
    await open_ready_shop(seller)
    product = await make_product(seller, price=PRICE, stock=5)
    return await user_of(seller), await Variant.get(product_id=product.id)


async def shopper(name: str, money: int):  # type: ignore[no-untyped-def]
    member = await make_member(name)
    address = await add_address(member)
    if money:
        await ledger.top_up(member.id, amount=money)
    return await user_of(member), address


async def paid_order(shop, buyer, address, quantity: int = 1) -> Order:  # type: ignore[no-untyped-def]
    _, variant = shop
    [order] = await orders.place_order(buyer, items=[(variant.id, quantity)], address_id=address.id)
    return await orders.pay(buyer, order.id)


async def test_twenty_buyers_race_for_the_last_five_units(shop) -> None:  # type: ignore[no-untyped-def]
    _, variant = shop
    buyers = [await shopper(f"buyer{i}", PRICE * 2) for i in range(20)]

    async def buy(user, address) -> Order:  # type: ignore[no-untyped-def]
        [order] = await orders.place_order(user, items=[(variant.id, 1)], address_id=address.id)
        return await orders.pay(user, order.id, idempotency_key=f"pay-{order.id}")

    results = await asyncio.gather(*(buy(u, a) for u, a in buyers), return_exceptions=True)
    paid, refusals = outcomes(results)
    assert refusals == {"OUT_OF_STOCK": 15}
    assert len(paid) == 5 and all(o.status == OrderStatus.PAID for o in paid)
    assert (await Variant.get(id=variant.id)).stock == 0
    assert await Order.all().count() == 5  # refused orders left nothing behind
    winners = {o.buyer_id for o in paid}
    for user, _ in buyers:
        assert await wallet(user.id) == (PRICE if user.id in winners else PRICE * 2)
    for order in paid:
        assert await orders.escrow_balance(order.id) == PRICE
        assert await transfers(order.id, TransferKind.PAYMENT) == 1
    await books_ok()


async def test_fifty_concurrent_confirmations_release_the_money_once(shop, settings) -> None:  # type: ignore[no-untyped-def]
    seller, _ = shop
    buyer, address = await shopper("mei", PRICE * 2)
    order = await paid_order(shop, buyer, address, quantity=2)
    await orders.ship_order(seller, order.id, carrier="SF", tracking_number="SF123456")
    seller_before = await wallet(seller.id)
    keys = mixed_keys(50)

    results = await asyncio.gather(
        *(orders.confirm_receipt(buyer, order.id, idempotency_key=k) for k in keys),
        return_exceptions=True,
    )
    done, refusals = outcomes(results)
    assert set(refusals) <= {"WRONG_STATE"}
    assert all(o.status == OrderStatus.COMPLETED for o in done)
    await assert_one_winner("confirm", keys, done)
    total = 2 * PRICE
    fee = total * settings.platform_fee_bps // 10_000
    assert await wallet(seller.id) == seller_before + total - fee
    assert await orders.escrow_balance(order.id) == 0
    assert await ledger.balance(AccountKind.PLATFORM_FEES) == fee
    assert await transfers(order.id, TransferKind.RELEASE) == 1
    stored = await Order.get(id=order.id)
    assert (stored.status, stored.released, stored.fee) == (OrderStatus.COMPLETED, total, fee)
    assert await OrderEvent.filter(order_id=order.id, status=OrderStatus.COMPLETED).count() == 1
    await books_ok()


async def test_twenty_concurrent_payments_of_one_order_pay_once(shop) -> None:  # type: ignore[no-untyped-def]
    _, variant = shop
    buyer, address = await shopper("mei", PRICE * 3)  # enough to pay it three times over
    [order] = await orders.place_order(buyer, items=[(variant.id, 1)], address_id=address.id)
    keys = mixed_keys(20)

    results = await asyncio.gather(
        *(orders.pay(buyer, order.id, idempotency_key=k) for k in keys), return_exceptions=True
    )
    done, refusals = outcomes(results)
    assert set(refusals) <= {"WRONG_STATE"}
    assert all(o.status == OrderStatus.PAID for o in done)
    await assert_one_winner("pay", keys, done)
    assert await wallet(buyer.id) == PRICE * 2
    assert await orders.escrow_balance(order.id) == PRICE
    assert await transfers(order.id, TransferKind.PAYMENT) == 1
    assert await OrderEvent.filter(order_id=order.id, status=OrderStatus.PAID).count() == 1
    await books_ok()


async def test_cancel_racing_pay_ends_paid_or_cancelled_with_the_money_right(shop) -> None:  # type: ignore[no-untyped-def]
    seller, variant = shop
    rounds = 5
    buyer, address = await shopper("mei", PRICE * rounds)
    seen: Counter[str] = Counter()
    for i in range(rounds):
        [order] = await orders.place_order(buyer, items=[(variant.id, 1)], address_id=address.id)
        canceller = buyer if i % 2 else seller
        cancel = orders.cancel_order(canceller, order.id, reason="changed my mind")
        payment = orders.pay(buyer, order.id, idempotency_key=f"pay-{i}")
        calls = (cancel, payment) if i % 3 else (payment, cancel)
        _, refusals = outcomes(await asyncio.gather(*calls, return_exceptions=True))
        assert set(refusals) <= {"WRONG_STATE"} and sum(refusals.values()) <= 1

        stored = await Order.get(id=order.id)
        payments = await transfers(order.id, TransferKind.PAYMENT)
        refunds = await transfers(order.id, TransferKind.REFUND)
        if stored.status == OrderStatus.PAID:
            assert (payments, refunds) == (1, 0)
            assert await orders.escrow_balance(order.id) == PRICE
            assert stored.refunded == 0
        else:
            assert stored.status == OrderStatus.CANCELLED
            assert payments == refunds <= 1  # paid then cancelled: refunded in full
            assert await orders.escrow_balance(order.id) == 0
            assert stored.refunded == PRICE * payments
        seen[stored.status] += 1
        await books_ok()
    paid = seen[OrderStatus.PAID]
    assert await wallet(buyer.id) == PRICE * (rounds - paid)
    assert (await Variant.get(id=variant.id)).stock == 5 - paid


@pytest.mark.parametrize("racers", [2, 10])
async def test_concurrent_top_ups_with_one_key_move_money_once(racers: int) -> None:
    member = await make_member("mei")
    results = await asyncio.gather(
        *(ledger.top_up(member.id, amount=1_000, idempotency_key="top-1") for _ in range(racers)),
        return_exceptions=True,
    )
    ids, refusals = outcomes(results)
    assert not refusals and len(set(ids)) == 1
    assert await Transfer.filter(kind=TransferKind.TOP_UP).count() == 1
    assert await wallet(member.id) == 1_000
    await books_ok()
