"""The order lifecycle with escrow.

AWAITING_PAYMENT → PAID (buyer wallet → escrow) → SHIPPED → COMPLETED (escrow → seller,
minus the platform fee), or CANCELLED before shipping (refunded at once). After shipping the
buyer may request a refund: the seller accepts (at once, or once the goods are back) or
refuses, and then an admin decides the dispute. Every transition is a conditional update on
the current status, so of two racing actions exactly one wins; money moves in the same
transaction as the transition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from tortoise.transactions import in_transaction

from community.accounts import services as accounts
from community.accounts.models import User
from community.catalog import services as catalog
from community.catalog.models import Product, ProductStatus, Shop, Variant
from community.infra import clock, runtime
from community.infra.errors import DomainError
from community.ledger import services as ledger
from community.ledger.errors import LedgerCode
from community.ledger.models import AccountKind, TransferKind
from community.orders import cart
from community.orders.errors import OrderCode
from community.orders.models import (
    CartItem,
    Dispute,
    DisputeStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderMessage,
    OrderStatus,
    RefundRequest,
    RefundStatus,
)
from community.orders.policy import is_admin

__all__ = [
    "cancel_order",
    "checkout",
    "confirm_receipt",
    "confirm_return",
    "decide_dispute",
    "escrow_balance",
    "extend_confirmation",
    "pay",
    "place_order",
    "request_refund",
    "respond_to_refund",
    "send_message",
    "ship_order",
    "ship_return",
]

Item = tuple[int, int]  # (variant id, quantity)
MAX_MESSAGE = 2000


# --- transitions and money ------------------------------------------------------------


async def _move(
    order: Order,
    to: OrderStatus,
    *,
    allowed: Iterable[OrderStatus],
    actor_id: int | None,
    note: str = "",
    **changes: object,
) -> Order:
    """Move ``order`` to ``to`` if it is still in an allowed status (else WRONG_STATE)."""
    allowed = tuple(allowed)
    if not await Order.filter(id=order.id, status__in=allowed).update(status=to, **changes):
        current = await Order.filter(id=order.id).values_list("status", flat=True)
        raise DomainError(
            OrderCode.WRONG_STATE,
            f"This order is {str(current[0]).replace('_', ' ').lower() if current else 'gone'}.",
        )
    await OrderEvent.create(
        order_id=order.id, status=to, actor_id=actor_id, note=note, at=clock.now()
    )
    order.status = to
    for name, value in changes.items():
        setattr(order, name, value)
    return order


async def _refund(order: Order, amount: int) -> None:
    await ledger.transfer(
        TransferKind.REFUND,
        [(AccountKind.ESCROW, order.id, -amount), (AccountKind.WALLET, order.buyer_id, amount)],
        order_id=order.id,
    )
    order.refunded += amount


async def _release(order: Order, amount: int) -> None:
    fee = amount * runtime.get().settings.platform_fee_bps // 10_000
    await ledger.transfer(
        TransferKind.RELEASE,
        [
            (AccountKind.ESCROW, order.id, -amount),
            (AccountKind.WALLET, order.seller_id, amount - fee),
            (AccountKind.PLATFORM_FEES, None, fee),
        ],
        order_id=order.id,
    )
    order.released += amount
    order.fee += fee


def _held(order: Order) -> int:
    """What escrow still holds for a paid order."""
    return order.total - order.refunded - order.released


async def _settle(
    order: Order, refund: int, *, allowed: Iterable[OrderStatus], actor_id: int | None, note: str
) -> Order:
    """Close a paid order: refund ``refund`` to the buyer, release the rest to the seller."""
    held = _held(order)
    await _move(
        order,
        OrderStatus.REFUNDED if refund == held else OrderStatus.COMPLETED,
        allowed=allowed,
        actor_id=actor_id,
        note=note,
        closed_at=clock.now(),
        auto_confirm_at=None,
    )
    if refund:
        await _refund(order, refund)
    if held - refund:
        await _release(order, held - refund)
    await Order.filter(id=order.id).update(
        refunded=order.refunded, released=order.released, fee=order.fee
    )
    return order


async def escrow_balance(order_id: int) -> int:
    return await ledger.balance(AccountKind.ESCROW, order_id)


# --- loading and authorising ----------------------------------------------------------


async def _order(order_id: int) -> Order:
    order = await Order.get_or_none(id=order_id)
    if order is None:
        raise DomainError(OrderCode.ORDER_NOT_FOUND, "No such order.", "orderId")
    return order


async def _as_buyer(actor: User, order_id: int) -> Order:
    order = await _order(order_id)
    if order.buyer_id != actor.id:
        raise DomainError(
            OrderCode.NOT_BUYER if order.seller_id == actor.id else OrderCode.ORDER_NOT_FOUND,
            "Only the buyer can do this." if order.seller_id == actor.id else "No such order.",
        )
    return order


async def _as_seller(actor: User, order_id: int) -> Order:
    order = await _order(order_id)
    if order.seller_id != actor.id:
        raise DomainError(
            OrderCode.NOT_SELLER if order.buyer_id == actor.id else OrderCode.ORDER_NOT_FOUND,
            "Only the seller can do this." if order.buyer_id == actor.id else "No such order.",
        )
    return order


async def _is_admin(actor: User) -> bool:
    return is_admin((await accounts.roles_of([actor.id]))[actor.id])


# --- placing orders -------------------------------------------------------------------


async def place_order(
    actor: User, *, items: Sequence[Item], address_id: int, coupon_code: str | None = None
) -> list[Order]:
    """Buy ``items`` now: one order per shop, stock reserved, prices frozen into the lines."""
    if coupon_code:
        raise DomainError(OrderCode.COUPON_INVALID, "That coupon is not valid.", "couponCode")
    if not items:
        raise DomainError(OrderCode.CART_EMPTY, "Nothing to order.", "items")
    quantities: dict[int, int] = {}
    for variant_id, quantity in items:
        quantities[variant_id] = quantities.get(variant_id, 0) + quantity
    for quantity in quantities.values():
        if not 1 <= quantity <= cart.MAX_QUANTITY:
            raise DomainError(
                OrderCode.QUANTITY_INVALID, f"Quantities are 1–{cart.MAX_QUANTITY}.", "items"
            )
    address = await cart.usable_address(actor, address_id)
    variants = {v.id: v for v in await Variant.filter(id__in=list(quantities), is_active=True)}
    products = {
        p.id: p
        for p in await Product.filter(
            id__in={v.product_id for v in variants.values()},  # type: ignore[attr-defined]
            status=ProductStatus.ACTIVE,
        )
    }
    missing = [
        vid
        for vid in quantities
        if vid not in variants or variants[vid].product_id not in products  # type: ignore[attr-defined]
    ]
    if missing:
        raise DomainError(OrderCode.PRODUCT_UNAVAILABLE, "An item is no longer for sale.", "items")
    shops = {s.id: s for s in await Shop.filter(id__in={p.shop_id for p in products.values()})}  # type: ignore[attr-defined]
    if any(s.owner_id == actor.id for s in shops.values()):
        raise DomainError(OrderCode.OWN_PRODUCT, "You can't buy from your own shop.", "items")

    by_shop: dict[int, list[tuple[Variant, Product, int]]] = {}
    for vid, quantity in quantities.items():
        variant = variants[vid]
        product = products[variant.product_id]  # type: ignore[attr-defined]
        by_shop.setdefault(product.shop_id, []).append((variant, product, quantity))  # type: ignore[attr-defined]

    settings = runtime.get().settings
    now = clock.now()
    snapshot = {
        k: getattr(address, k)
        for k in ("recipient", "phone", "line1", "line2", "city", "region", "postcode", "country")
    }
    orders: list[Order] = []
    async with in_transaction():
        await catalog.reserve_stock(quantities)
        lines: list[OrderLine] = []
        for shop_id, entries in sorted(by_shop.items()):
            subtotal = sum(v.price * q for v, _, q in entries)
            order = await Order.create(
                buyer_id=actor.id,
                shop_id=shop_id,
                seller_id=shops[shop_id].owner_id,
                status=OrderStatus.AWAITING_PAYMENT,
                subtotal=subtotal,
                total=subtotal,
                shipping_address=snapshot,
                pay_by=now + timedelta(minutes=settings.payment_timeout_minutes),
                created_at=now,
            )
            orders.append(order)
            lines += [
                OrderLine(
                    order_id=order.id,
                    product_id=p.id,
                    variant_id=v.id,
                    title=p.title,
                    sku=v.sku,
                    options=v.options,
                    image_url=(p.image_urls or [""])[0],
                    unit_price=v.price,
                    quantity=q,
                )
                for v, p, q in entries
            ]
        await OrderLine.bulk_create(lines)
        await OrderEvent.bulk_create(
            [OrderEvent(order_id=o.id, status=o.status, actor_id=actor.id, at=now) for o in orders]
        )
    return orders


async def checkout(
    actor: User,
    *,
    address_id: int,
    variant_ids: Sequence[int] | None = None,
    coupon_code: str | None = None,
) -> list[Order]:
    """Order what is in the cart (or the chosen lines of it); those lines leave the cart."""
    rows = CartItem.filter(user_id=actor.id)
    if variant_ids is not None:
        rows = rows.filter(variant_id__in=list(variant_ids))
    items = [(c.variant_id, c.quantity) for c in await rows]
    if not items:
        raise DomainError(OrderCode.CART_EMPTY, "Your cart is empty.", "items")
    async with in_transaction():
        orders = await place_order(
            actor, items=items, address_id=address_id, coupon_code=coupon_code
        )
        await CartItem.filter(user_id=actor.id, variant_id__in=[v for v, _ in items]).delete()
    return orders


# --- the happy path -------------------------------------------------------------------


async def pay(actor: User, order_id: int, *, idempotency_key: str | None = None) -> Order:
    """Pay an order from the wallet; the money waits in escrow."""
    order = await _as_buyer(actor, order_id)

    async def run() -> int:
        await _move(
            order,
            OrderStatus.PAID,
            allowed=[OrderStatus.AWAITING_PAYMENT],
            actor_id=actor.id,
            paid_at=clock.now(),
        )
        try:
            await ledger.transfer(
                TransferKind.PAYMENT,
                [
                    (AccountKind.WALLET, actor.id, -order.total),
                    (AccountKind.ESCROW, order.id, order.total),
                ],
                order_id=order.id,
            )
        except DomainError as exc:
            if exc.code == LedgerCode.INSUFFICIENT_FUNDS:
                raise DomainError(
                    LedgerCode.INSUFFICIENT_FUNDS, "Your wallet balance is too low; top up first."
                ) from None
            raise
        return order.id

    await ledger.idempotent(actor.id, "pay", idempotency_key, {"order": order_id}, run)
    return await _order(order_id)


async def ship_order(actor: User, order_id: int, *, carrier: str, tracking_number: str) -> Order:
    """The seller hands the parcel to a carrier; the auto-confirm clock starts."""
    order = await _as_seller(actor, order_id)
    carrier, tracking_number = " ".join(carrier.split()), tracking_number.strip()
    if not carrier or len(carrier) > 40:
        raise DomainError(OrderCode.TRACKING_INVALID, "Name the carrier.", "carrier")
    if not 4 <= len(tracking_number) <= 60:
        raise DomainError(
            OrderCode.TRACKING_INVALID, "Enter the tracking number.", "trackingNumber"
        )
    now = clock.now()
    days = runtime.get().settings.auto_confirm_days
    async with in_transaction():
        return await _move(
            order,
            OrderStatus.SHIPPED,
            allowed=[OrderStatus.PAID],
            actor_id=actor.id,
            note=f"{carrier} {tracking_number}",
            carrier=carrier,
            tracking_number=tracking_number,
            shipped_at=now,
            auto_confirm_at=now + timedelta(days=days),
        )


async def confirm_receipt(
    actor: User | None, order_id: int, *, idempotency_key: str | None = None
) -> Order:
    """The buyer confirms receipt (``actor`` None: the auto-confirm deadline passed); the
    seller is paid from escrow, minus the platform fee."""
    order = await (_as_buyer(actor, order_id) if actor else _order(order_id))

    async def run() -> int:
        await _settle(
            order,
            0,
            allowed=[OrderStatus.SHIPPED],
            actor_id=actor.id if actor else None,
            note="Receipt confirmed" if actor else "Confirmed automatically after the deadline",
        )
        return order.id

    if actor is None:
        async with in_transaction():
            await run()
    else:
        await ledger.idempotent(actor.id, "confirm", idempotency_key, {"order": order_id}, run)
    return await _order(order_id)


async def extend_confirmation(actor: User, order_id: int) -> Order:
    """The buyer pushes the auto-confirm deadline back, once."""
    order = await _as_buyer(actor, order_id)
    if order.status != OrderStatus.SHIPPED or order.auto_confirm_at is None:
        raise DomainError(OrderCode.WRONG_STATE, "Only shipped orders can be extended.")
    new_deadline = order.auto_confirm_at + timedelta(
        days=runtime.get().settings.confirm_extension_days
    )
    async with in_transaction():
        updated = await Order.filter(
            id=order.id, status=OrderStatus.SHIPPED, confirm_extended=False
        ).update(confirm_extended=True, auto_confirm_at=new_deadline)
        if not updated:
            raise DomainError(OrderCode.ALREADY_EXTENDED, "The deadline was extended already.")
        await OrderEvent.create(
            order_id=order.id,
            status=OrderStatus.SHIPPED,
            actor_id=actor.id,
            note=f"Confirmation deadline extended to {new_deadline:%Y-%m-%d %H:%M} UTC",
            at=clock.now(),
        )
    return await _order(order_id)


async def _lines_quantities(order_id: int) -> dict[int, int]:
    quantities: dict[int, int] = {}
    for variant_id, quantity in await OrderLine.filter(order_id=order_id).values_list(
        "variant_id", "quantity"
    ):
        quantities[variant_id] = quantities.get(variant_id, 0) + quantity
    return quantities


async def cancel_order(actor: User | None, order_id: int, *, reason: str = "") -> Order:
    """Cancel before shipping (buyer or seller; ``actor`` None: unpaid past the deadline).
    A paid order is refunded at once; the stock goes back on the shelf."""
    order = await _order(order_id)
    if actor is not None and actor.id not in (order.buyer_id, order.seller_id):
        raise DomainError(OrderCode.ORDER_NOT_FOUND, "No such order.")
    note = reason.strip()[:500] or ("Not paid in time" if actor is None else "Cancelled")
    async with in_transaction():
        was_paid = order.status == OrderStatus.PAID
        await _move(
            order,
            OrderStatus.CANCELLED,
            allowed=[order.status]
            if order.status in (OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID)
            else [],
            actor_id=actor.id if actor else None,
            note=note,
            closed_at=clock.now(),
        )
        if was_paid:
            await _refund(order, _held(order))
            await Order.filter(id=order.id).update(refunded=order.refunded)
        await catalog.release_stock(await _lines_quantities(order.id))
    return order


# --- refunds and disputes -------------------------------------------------------------


async def request_refund(
    actor: User,
    order_id: int,
    *,
    amount: int,
    reason: str,
    idempotency_key: str | None = None,
) -> Order:
    """After shipping, the buyer asks for some or all of the money back."""
    order = await _as_buyer(actor, order_id)
    reason = reason.strip()
    if not reason or len(reason) > 1000:
        raise DomainError(
            OrderCode.REASON_REQUIRED, "Say why (at most 1,000 characters).", "reason"
        )

    async def run() -> int:
        if not 1 <= amount <= _held(order):
            raise DomainError(
                OrderCode.REFUND_AMOUNT_INVALID,
                f"Ask for between 0.01 and {_held(order) / 100:.2f}.",
                "amount",
            )
        await _move(
            order,
            OrderStatus.REFUND_REQUESTED,
            allowed=[OrderStatus.SHIPPED],
            actor_id=actor.id,
            note=reason,
        )
        await RefundRequest.create(
            order_id=order.id,
            amount=amount,
            reason=reason,
            status=RefundStatus.REQUESTED,
            created_at=clock.now(),
        )
        return order.id

    params = {"order": order_id, "amount": amount, "reason": reason}
    await ledger.idempotent(actor.id, "request_refund", idempotency_key, params, run)
    return await _order(order_id)


async def _open_request(order: Order, status: RefundStatus) -> RefundRequest:
    request = await RefundRequest.filter(order_id=order.id, status=status).order_by("-id").first()
    if request is None:
        raise DomainError(OrderCode.WRONG_STATE, "There is no open refund request.")
    return request


async def respond_to_refund(
    actor: User,
    order_id: int,
    *,
    accept: bool,
    require_return: bool = False,
    note: str = "",
    idempotency_key: str | None = None,
) -> Order:
    """The seller accepts a refund request (now, or once the goods are back) or refuses it,
    which opens a dispute for an admin."""
    order = await _as_seller(actor, order_id)
    note = note.strip()[:1000]

    async def run() -> int:
        request = await _open_request(order, RefundStatus.REQUESTED)
        now = clock.now()
        if accept and not require_return:
            await _settle(
                order,
                request.amount,
                allowed=[OrderStatus.REFUND_REQUESTED],
                actor_id=actor.id,
                note=note or "Refund accepted",
            )
            status = RefundStatus.ACCEPTED
        elif accept:
            await _move(
                order,
                OrderStatus.RETURN_REQUESTED,
                allowed=[OrderStatus.REFUND_REQUESTED],
                actor_id=actor.id,
                note=note or "Refund accepted once the goods are returned",
            )
            status = RefundStatus.RETURN_REQUESTED
        else:
            if not note:
                raise DomainError(OrderCode.REASON_REQUIRED, "Say why you refuse.", "note")
            await _move(
                order,
                OrderStatus.DISPUTED,
                allowed=[OrderStatus.REFUND_REQUESTED],
                actor_id=actor.id,
                note=note,
            )
            await Dispute.create(order_id=order.id, refund_request=request, opened_at=now)
            status = RefundStatus.REFUSED
        await RefundRequest.filter(id=request.id).update(
            status=status, seller_note=note, answered_at=now
        )
        return order.id

    params = {"order": order_id, "accept": accept, "return": require_return, "note": note}
    await ledger.idempotent(actor.id, "respond_to_refund", idempotency_key, params, run)
    return await _order(order_id)


async def ship_return(actor: User, order_id: int, *, carrier: str, tracking_number: str) -> Order:
    """The buyer sends the goods back and records the tracking number."""
    order = await _as_buyer(actor, order_id)
    carrier, tracking_number = " ".join(carrier.split()), tracking_number.strip()
    if not carrier or not 4 <= len(tracking_number) <= 60:
        raise DomainError(
            OrderCode.TRACKING_INVALID, "Enter the carrier and tracking number.", "trackingNumber"
        )
    if order.status != OrderStatus.RETURN_REQUESTED or order.return_tracking_number:
        raise DomainError(OrderCode.WRONG_STATE, "No return is expected for this order.")
    async with in_transaction():
        await Order.filter(id=order.id).update(
            return_carrier=carrier, return_tracking_number=tracking_number
        )
        await OrderEvent.create(
            order_id=order.id,
            status=order.status,
            actor_id=actor.id,
            note=f"Returned with {carrier} {tracking_number}",
            at=clock.now(),
        )
    return await _order(order_id)


async def confirm_return(actor: User, order_id: int) -> Order:
    """The seller has the goods back: the accepted refund is paid."""
    order = await _as_seller(actor, order_id)
    async with in_transaction():
        request = await _open_request(order, RefundStatus.RETURN_REQUESTED)
        await _settle(
            order,
            request.amount,
            allowed=[OrderStatus.RETURN_REQUESTED],
            actor_id=actor.id,
            note="Goods returned; refund paid",
        )
        await RefundRequest.filter(id=request.id).update(status=RefundStatus.ACCEPTED)
    return order


async def decide_dispute(
    actor: User,
    order_id: int,
    *,
    refund_amount: int,
    violation_fee: int = 0,
    note: str = "",
    idempotency_key: str | None = None,
) -> Order:
    """An admin settles a dispute: refund all or part, release the rest to the seller, and
    optionally charge the seller a violation fee from the deposit, paid to the buyer."""
    if not await _is_admin(actor):
        raise DomainError(OrderCode.NOT_ADMIN, "Only admins decide disputes.")
    order = await _order(order_id)
    if violation_fee < 0:
        raise DomainError(
            OrderCode.VIOLATION_FEE_INVALID, "The fee can't be negative.", "violationFee"
        )
    note = note.strip()[:1000]

    async def run() -> int:
        dispute = await Dispute.get_or_none(order_id=order.id, status=DisputeStatus.OPEN)
        if dispute is None:
            raise DomainError(OrderCode.WRONG_STATE, "This order has no open dispute.")
        # Checked here, not before: a replay of a decided dispute must not be refused.
        if not 0 <= refund_amount <= _held(order):
            raise DomainError(
                OrderCode.REFUND_AMOUNT_INVALID,
                f"Refund between 0 and {_held(order) / 100:.2f}.",
                "refundAmount",
            )
        await _settle(
            order,
            refund_amount,
            allowed=[OrderStatus.DISPUTED],
            actor_id=actor.id,
            note=note or "Dispute decided",
        )
        if violation_fee:
            try:
                await ledger.transfer(
                    TransferKind.VIOLATION_FEE,
                    [
                        (AccountKind.DEPOSIT, order.seller_id, -violation_fee),
                        (AccountKind.WALLET, order.buyer_id, violation_fee),
                    ],
                    order_id=order.id,
                    memo=note,
                )
            except DomainError:
                raise DomainError(
                    OrderCode.VIOLATION_FEE_INVALID,
                    "The fee is larger than the seller's deposit.",
                    "violationFee",
                ) from None
        now = clock.now()
        await Dispute.filter(id=dispute.id).update(
            status=DisputeStatus.DECIDED,
            decided_by_id=actor.id,
            refund_amount=refund_amount,
            violation_fee=violation_fee,
            decision_note=note,
            decided_at=now,
        )
        await RefundRequest.filter(id=dispute.refund_request_id).update(  # type: ignore[attr-defined]
            status=RefundStatus.DECIDED
        )
        return order.id

    params = {"order": order_id, "refund": refund_amount, "fee": violation_fee, "note": note}
    await ledger.idempotent(actor.id, "decide_dispute", idempotency_key, params, run)
    return await _order(order_id)


async def send_message(actor: User, order_id: int, *, body: str) -> OrderMessage:
    """Post to the order's thread (buyer, seller, or an admin looking at a dispute)."""
    order = await _order(order_id)
    if actor.id not in (order.buyer_id, order.seller_id) and not await _is_admin(actor):
        raise DomainError(OrderCode.ORDER_NOT_FOUND, "No such order.")
    body = body.strip()
    if not body or len(body) > MAX_MESSAGE:
        raise DomainError(
            OrderCode.MESSAGE_INVALID, f"Messages are 1–{MAX_MESSAGE} characters.", "body"
        )
    return await OrderMessage.create(
        order_id=order.id, sender_id=actor.id, body=body, sent_at=clock.now()
    )
