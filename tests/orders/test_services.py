"""The order lifecycle through the service layer, with the ledger checked after each step."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.catalog.models import Variant
from community.infra import clock, jobs
from community.infra.errors import DomainError
from community.ledger import services as ledger
from community.ledger.models import AccountKind
from community.orders import jobs as order_jobs
from community.orders import services as orders
from community.orders.models import Order, OrderEvent, OrderStatus, SweepMark
from tests.support import (
    add_address,
    make_member,
    make_product,
    open_ready_shop,
    user_of,
)


async def wallet(member_id: int) -> int:
    return await ledger.balance(AccountKind.WALLET, member_id)


async def books_ok() -> None:
    assert await ledger.check_invariants() == []


@pytest.fixture
async def market():  # type: ignore[no-untyped-def]
    seller = await make_member("clayhouse")
    await open_ready_shop(seller)
    product = await make_product(seller, price=2_500, stock=5)
    buyer = await make_member("mei")
    address = await add_address(buyer)
    await ledger.top_up(buyer.id, amount=10_000)
    variant = await Variant.get(product_id=product.id)
    return seller, buyer, variant, address


async def test_place_pay_ship_confirm_pays_the_seller_minus_fee(market, settings) -> None:  # type: ignore[no-untyped-def]
    seller, buyer, variant, address = market
    b, s = await user_of(buyer), await user_of(seller)
    [order] = await orders.place_order(b, items=[(variant.id, 2)], address_id=address.id)
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.total == 5_000
    assert (await Variant.get(id=variant.id)).stock == 3
    seller_before = await wallet(seller.id)

    order = await orders.pay(b, order.id, idempotency_key="pay-1")
    assert order.status == OrderStatus.PAID
    assert await wallet(buyer.id) == 5_000 and await orders.escrow_balance(order.id) == 5_000
    await books_ok()

    order = await orders.ship_order(s, order.id, carrier="SF Express", tracking_number="SF1234567")
    assert order.auto_confirm_at is not None
    order = await orders.confirm_receipt(b, order.id, idempotency_key="c-1")
    fee = 5_000 * settings.platform_fee_bps // 10_000
    assert order.status == OrderStatus.COMPLETED and order.fee == fee
    assert await wallet(seller.id) == seller_before + 5_000 - fee
    assert await orders.escrow_balance(order.id) == 0
    assert await ledger.balance(AccountKind.PLATFORM_FEES) == fee
    history = (
        await OrderEvent.filter(order_id=order.id).order_by("id").values_list("status", flat=True)
    )
    assert history == ["AWAITING_PAYMENT", "PAID", "SHIPPED", "COMPLETED"]
    await books_ok()


async def test_idempotent_pay_replay_moves_money_once(market) -> None:  # type: ignore[no-untyped-def]
    _, buyer, variant, address = market
    b = await user_of(buyer)
    [order] = await orders.place_order(b, items=[(variant.id, 1)], address_id=address.id)
    await orders.pay(b, order.id, idempotency_key="k")
    again = await orders.pay(b, order.id, idempotency_key="k")
    assert again.status == OrderStatus.PAID and await wallet(buyer.id) == 7_500
    with pytest.raises(DomainError) as refused:
        await orders.pay(b, order.id, idempotency_key="other")
    assert refused.value.code == "WRONG_STATE"
    await books_ok()


async def test_wrong_actor_and_wrong_state_change_nothing(market) -> None:  # type: ignore[no-untyped-def]
    seller, buyer, variant, address = market
    b, s = await user_of(buyer), await user_of(seller)
    stranger = await user_of(await make_member("lin"))
    [order] = await orders.place_order(b, items=[(variant.id, 1)], address_id=address.id)
    for call, code in [
        (orders.pay(s, order.id), "NOT_BUYER"),
        (orders.pay(stranger, order.id), "ORDER_NOT_FOUND"),
        (orders.ship_order(s, order.id, carrier="SF", tracking_number="SF0001"), "WRONG_STATE"),
        (orders.ship_order(b, order.id, carrier="SF", tracking_number="SF0001"), "NOT_SELLER"),
        (orders.confirm_receipt(b, order.id), "WRONG_STATE"),
    ]:
        with pytest.raises(DomainError) as refused:
            await call
        assert refused.value.code == code
    assert (await Order.get(id=order.id)).status == OrderStatus.AWAITING_PAYMENT
    await books_ok()


async def test_insufficient_funds_leaves_the_order_unpaid(market) -> None:  # type: ignore[no-untyped-def]
    _, buyer, variant, address = market
    b = await user_of(buyer)
    [order] = await orders.place_order(b, items=[(variant.id, 5)], address_id=address.id)
    with pytest.raises(DomainError) as refused:
        await orders.pay(b, order.id, idempotency_key="k")
    assert refused.value.code == "INSUFFICIENT_FUNDS"
    assert (await Order.get(id=order.id)).status == OrderStatus.AWAITING_PAYMENT
    assert await wallet(buyer.id) == 10_000
    await ledger.top_up(buyer.id, amount=5_000)
    assert (await orders.pay(b, order.id, idempotency_key="k")).status == OrderStatus.PAID
    await books_ok()


async def test_deadlines_auto_cancel_and_auto_confirm(market, settings) -> None:  # type: ignore[no-untyped-def]
    seller, buyer, variant, address = market
    b, s = await user_of(buyer), await user_of(seller)
    with clock.use(clock.FrozenClock()) as frozen:
        [unpaid] = await orders.place_order(b, items=[(variant.id, 2)], address_id=address.id)
        [shipped] = await orders.place_order(b, items=[(variant.id, 1)], address_id=address.id)
        await orders.pay(b, shipped.id)
        await orders.ship_order(s, shipped.id, carrier="SF", tracking_number="SF9999")
        assert (await Variant.get(id=variant.id)).stock == 2
        frozen.advance(minutes=settings.payment_timeout_minutes + 1)  # type: ignore[attr-defined]
        await jobs.run_sweeps()
        assert (await Order.get(id=unpaid.id)).status == OrderStatus.CANCELLED
        assert (await Variant.get(id=variant.id)).stock == 4
        await orders.extend_confirmation(b, shipped.id)
        with pytest.raises(DomainError):
            await orders.extend_confirmation(b, shipped.id)
        frozen.advance(days=settings.auto_confirm_days)  # type: ignore[attr-defined]
        await jobs.run_sweeps()
        assert (await Order.get(id=shipped.id)).status == OrderStatus.SHIPPED  # extended
        frozen.advance(days=settings.confirm_extension_days)  # type: ignore[attr-defined]
        await jobs.run_sweeps()
        await jobs.run_sweeps()  # twice: nothing moves again
        assert (await Order.get(id=shipped.id)).status == OrderStatus.COMPLETED
    await books_ok()


async def test_unpaid_sweep_reads_on_from_its_mark(market, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seller, buyer, variant, address = market
    b = await user_of(buyer)
    overdue = timedelta(minutes=settings.payment_timeout_minutes + 1)

    async def place() -> int:
        [order] = await orders.place_order(b, items=[(variant.id, 1)], address_id=address.id)
        return order.id

    async def status(order_id: int) -> OrderStatus:
        return (await Order.get(id=order_id)).status

    with clock.use(clock.FrozenClock()) as frozen:
        first, second = await place(), await place()
        frozen.advance(overdue)  # type: ignore[attr-defined]
        # A run that fills its batch leaves the mark where it was: the rest is read next time.
        monkeypatch.setattr(order_jobs, "BATCH", 1)
        assert await order_jobs.auto_cancel_unpaid() == 1
        assert await SweepMark.get_or_none(name="pay_by") is None
        assert await order_jobs.auto_cancel_unpaid() == 1
        assert {await status(first), await status(second)} == {OrderStatus.CANCELLED}
        assert await SweepMark.get_or_none(name="pay_by") is None
        assert await order_jobs.auto_cancel_unpaid() == 0
        mark = (await SweepMark.get(name="pay_by")).upto
        assert mark == frozen.now() - order_jobs.MARGIN  # type: ignore[attr-defined]
        monkeypatch.undo()

        # Orders placed after a run are read by the next ones, each when it is due.
        third = await place()
        frozen.advance(minutes=5)  # type: ignore[attr-defined]
        fourth = await place()
        frozen.advance(overdue - timedelta(minutes=2))  # type: ignore[attr-defined]
        assert await order_jobs.auto_cancel_unpaid() == 1
        assert await status(third) == OrderStatus.CANCELLED
        assert await status(fourth) == OrderStatus.AWAITING_PAYMENT
        assert (await SweepMark.get(name="pay_by")).upto > mark
        frozen.advance(minutes=5)  # type: ignore[attr-defined]
        assert await order_jobs.auto_cancel_unpaid() == 1
        assert await order_jobs.auto_cancel_unpaid() == 0  # and again: nothing moves
        assert await status(fourth) == OrderStatus.CANCELLED
    assert (await Variant.get(id=variant.id)).stock == 5
    await books_ok()


async def test_refund_refused_then_dispute_decided_with_violation_fee(market) -> None:  # type: ignore[no-untyped-def]
    seller, buyer, variant, address = market
    b, s = await user_of(buyer), await user_of(seller)
    admin = await make_member("boss")
    from community.accounts import services as accounts
    from community.accounts.models import Role

    a = await user_of(admin)
    await accounts.grant_role(None, a, Role.ADMIN)
    [order] = await orders.place_order(b, items=[(variant.id, 2)], address_id=address.id)
    await orders.pay(b, order.id)
    await orders.ship_order(s, order.id, carrier="SF", tracking_number="SF4242")
    await orders.send_message(b, order.id, body="The cups arrived broken.")
    with pytest.raises(DomainError) as refused:
        await orders.request_refund(b, order.id, amount=6_000, reason="broken")
    assert refused.value.code == "REFUND_AMOUNT_INVALID"
    await orders.request_refund(
        b, order.id, amount=5_000, reason="Both cups broken", idempotency_key="r"
    )
    await orders.request_refund(
        b, order.id, amount=5_000, reason="Both cups broken", idempotency_key="r"
    )
    order = await orders.respond_to_refund(s, order.id, accept=False, note="They left intact.")
    assert order.status == OrderStatus.DISPUTED
    with pytest.raises(DomainError) as refused:
        await orders.decide_dispute(b, order.id, refund_amount=5_000)
    assert refused.value.code == "NOT_ADMIN"
    buyer_before = await wallet(buyer.id)
    deposit_before = await ledger.balance(AccountKind.DEPOSIT, seller.id)
    order = await orders.decide_dispute(
        a, order.id, refund_amount=3_000, violation_fee=500, note="Partly", idempotency_key="d"
    )
    again = await orders.decide_dispute(
        a, order.id, refund_amount=3_000, violation_fee=500, note="Partly", idempotency_key="d"
    )
    assert order.status == again.status == OrderStatus.COMPLETED
    assert await wallet(buyer.id) == buyer_before + 3_500
    assert await ledger.balance(AccountKind.DEPOSIT, seller.id) == deposit_before - 500
    assert await orders.escrow_balance(order.id) == 0
    await books_ok()


async def test_refund_with_return_and_full_refund_via_accept(market) -> None:  # type: ignore[no-untyped-def]
    seller, buyer, variant, address = market
    b, s = await user_of(buyer), await user_of(seller)
    [first, second] = [
        (await orders.place_order(b, items=[(variant.id, 1)], address_id=address.id))[0]
        for _ in range(2)
    ]
    for o in (first, second):
        await orders.pay(b, o.id)
        await orders.ship_order(s, o.id, carrier="SF", tracking_number=f"SF{o.id:06d}")
        await orders.request_refund(b, o.id, amount=2_500, reason="Wrong colour")
    done = await orders.respond_to_refund(s, first.id, accept=True)
    assert done.status == OrderStatus.REFUNDED
    pending = await orders.respond_to_refund(s, second.id, accept=True, require_return=True)
    assert pending.status == OrderStatus.RETURN_REQUESTED
    await orders.ship_return(b, second.id, carrier="SF", tracking_number="SFBACK01")
    done = await orders.confirm_return(s, second.id)
    assert done.status == OrderStatus.REFUNDED
    assert await wallet(buyer.id) == 10_000
    await books_ok()


async def test_cancel_paid_order_refunds_and_restocks(market) -> None:  # type: ignore[no-untyped-def]
    seller, buyer, variant, address = market
    b, s = await user_of(buyer), await user_of(seller)
    [order] = await orders.place_order(b, items=[(variant.id, 3)], address_id=address.id)
    await orders.pay(b, order.id)
    order = await orders.cancel_order(s, order.id, reason="Out of glaze")
    assert order.status == OrderStatus.CANCELLED
    assert await wallet(buyer.id) == 10_000 and (await Variant.get(id=variant.id)).stock == 5
    await books_ok()


async def test_out_of_stock_order_is_refused_whole(market) -> None:  # type: ignore[no-untyped-def]
    seller, buyer, variant, address = market
    other = await make_product(seller, price=100, stock=1, title="Saucer")
    other_variant = await Variant.get(product_id=other.id)
    b = await user_of(buyer)
    with pytest.raises(DomainError) as refused:
        await orders.place_order(
            b, items=[(other_variant.id, 1), (variant.id, 6)], address_id=address.id
        )
    assert refused.value.code == "OUT_OF_STOCK"
    assert (await Variant.get(id=other_variant.id)).stock == 1
    assert await Order.all().count() == 0
    assert timedelta(0) == timedelta(0)
