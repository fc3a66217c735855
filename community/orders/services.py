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
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from tortoise.transactions import in_transaction

from community.accounts import services as accounts
from community.accounts.models import User
from community.catalog import stock
from community.infra import clock, db, runtime, sql
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
    "held_in_escrow",
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

Party = Literal["buyer", "seller"]
_FIELDS = Order._meta.fields_map
_OPTIONS = OrderLine._meta.fields_map["options"]


@dataclass(frozen=True)
class _Computed:
    """SQL the transition's UPDATE evaluates on the row itself: each ``{}`` in ``text`` is
    bound to the next of ``args``."""

    text: str
    args: tuple[object, ...] = ()


async def _move(
    order_id: int,
    to: OrderStatus | _Computed,
    *,
    allowed: Iterable[OrderStatus],
    actor: User | None,
    party: Party | None = None,
    note: str = "",
    guard: _Computed | None = None,
    **changes: object,
) -> Order:
    """Move an order to ``to`` if it is still in an allowed status (and ``actor`` is its
    ``party``, and ``guard`` holds), record the event, and return the order as it is now.

    One conditional ``UPDATE … RETURNING`` decides, so of two racing actions exactly one
    wins; the loser gets WRONG_STATE (or NOT_BUYER, NOT_SELLER, ORDER_NOT_FOUND)."""
    args: list[object] = [order_id]

    def bind(value: object) -> str:
        if isinstance(value, _Computed):
            return value.text.format(*(bind(a) for a in value.args))
        args.append(value)
        return f"${len(args)}"

    sets = [f"status = {bind(to if isinstance(to, _Computed) else to.value)}"]
    sets += [
        f"{name} = {bind(v if isinstance(v, _Computed) else _FIELDS[name].to_db_value(v, Order))}"
        for name, v in changes.items()
    ]
    allowed = tuple(allowed)
    where = [f"status IN ({', '.join(bind(s.value) for s in allowed)})" if allowed else "1 = 0"]
    if party is not None:
        where.append(f"{party}_id = {bind(actor.id if actor else None)}")
    if guard is not None:
        where.append(bind(guard))
    update = f"UPDATE orders_order SET {', '.join(sets)} WHERE id = $1 AND {' AND '.join(where)}"
    event = [actor.id if actor else None, note, clock.now()]
    postgres = db.is_postgres()
    if postgres:
        # One round trip on PostgreSQL: the event is written by the same statement.
        n = len(args)
        update = (
            f"WITH moved AS ({update} RETURNING *), logged AS (INSERT INTO orders_event "
            f"(order_id, status, actor_id, note, at) SELECT id, status, CAST(${n + 1} AS BIGINT), "
            f"CAST(${n + 2} AS TEXT), CAST(${n + 3} AS TIMESTAMPTZ) FROM moved) SELECT * FROM moved"
        )
        row = await sql.fetchrow(update, *args, *event)
    else:
        row = await sql.fetchrow(f"{update} RETURNING *", *args)
    if row is None:
        order = await _order(order_id)
        if party is not None:
            _check_party(order, actor, party)
        raise DomainError(
            OrderCode.WRONG_STATE, f"This order is {order.status.replace('_', ' ').lower()}."
        )
    moved: Order = sql.to_model(Order, row)
    if not postgres:
        await sql.insert(
            OrderEvent,
            [
                {
                    "order_id": order_id,
                    "status": moved.status,
                    "actor_id": event[0],
                    "note": note,
                    "at": event[2],
                }
            ],
        )
    return moved


def _held(order: Order) -> int:
    """What escrow holds for an order: what was paid minus what was refunded or released."""
    return order.total - order.refunded - order.released if order.paid_at else 0


def held_in_escrow(order: Order) -> int:
    """The order's escrow balance, read off the order (the ledger keeps them equal)."""
    return _held(order)


async def _settle(
    order_id: int,
    refund: int,
    *,
    allowed: Iterable[OrderStatus],
    actor: User | None,
    party: Party | None = None,
    note: str,
) -> Order:
    """Close a paid order: refund ``refund`` to the buyer and release the rest to the seller,
    minus the platform fee, in the transition's transaction.

    Escrow holds an order's whole total until it is settled (nothing is refunded or
    released before; the UPDATE checks it), so the amounts are computed by the UPDATE that
    closes the order, from the row itself: no read first."""
    bps = runtime.get().settings.platform_fee_bps
    settled = await _move(
        order_id,
        _Computed("CASE WHEN total = {} THEN {} ELSE {} END", (refund, "REFUNDED", "COMPLETED")),
        allowed=allowed,
        actor=actor,
        party=party,
        note=note,
        guard=_Computed("refunded = 0 AND released = 0 AND total >= {}", (refund,)),
        closed_at=clock.now(),
        auto_confirm_at=None,
        refunded=refund,
        released=_Computed("total - {}", (refund,)),
        fee=_Computed("(total - {}) * {} / 10000", (refund, bps)),
    )
    if refund:
        await _refund(settled, refund)
    if settled.released:
        await ledger.transfer(
            TransferKind.RELEASE,
            [
                (AccountKind.ESCROW, settled.id, -settled.released),
                (AccountKind.WALLET, settled.seller_id, settled.released - settled.fee),
                (AccountKind.PLATFORM_FEES, None, settled.fee),
            ],
            order_id=settled.id,
        )
    return settled


async def _refund(order: Order, amount: int) -> None:
    await ledger.transfer(
        TransferKind.REFUND,
        [(AccountKind.ESCROW, order.id, -amount), (AccountKind.WALLET, order.buyer_id, amount)],
        order_id=order.id,
    )


async def escrow_balance(order_id: int) -> int:
    """The order's escrow account in the ledger."""
    return await ledger.balance(AccountKind.ESCROW, order_id)


# --- loading and authorising ----------------------------------------------------------


async def _order(order_id: int) -> Order:
    row = await sql.fetchrow("SELECT * FROM orders_order WHERE id = $1", order_id)
    if row is None:
        raise DomainError(OrderCode.ORDER_NOT_FOUND, "No such order.", "orderId")
    return sql.to_model(Order, row)  # type: ignore[no-any-return]


def _check_party(order: Order, actor: User | None, party: Party) -> None:
    other: Party = "seller" if party == "buyer" else "buyer"
    actor_id = actor.id if actor else None
    if getattr(order, f"{party}_id") == actor_id:
        return
    if getattr(order, f"{other}_id") == actor_id:
        raise DomainError(
            OrderCode.NOT_BUYER if party == "buyer" else OrderCode.NOT_SELLER,
            f"Only the {party} can do this.",
        )
    raise DomainError(OrderCode.ORDER_NOT_FOUND, "No such order.")


async def _as(party: Party, actor: User, order_id: int) -> Order:
    order = await _order(order_id)
    _check_party(order, actor, party)
    return order


async def _is_admin(actor: User) -> bool:
    return is_admin((await accounts.roles_of([actor.id]))[actor.id])


# --- placing orders -------------------------------------------------------------------


async def place_order(
    actor: User, *, items: Sequence[Item], address_id: int, coupon_code: str | None = None
) -> list[Order]:
    """Buy ``items`` now: one order per shop, stock reserved, prices frozen into the lines.

    One transaction whatever the number of lines and shops: two reads (the address, every
    offer), the stock in one conditional UPDATE, then the orders, their lines and their
    first events (one statement on PostgreSQL, three on SQLite)."""
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
    async with in_transaction():
        snapshot = await cart.shipping_snapshot(actor, address_id)
        offers = await stock.offers(quantities)
        if len(offers) != len(quantities):
            raise DomainError(
                OrderCode.PRODUCT_UNAVAILABLE, "An item is no longer for sale.", "items"
            )
        if any(o.owner_id == actor.id for o in offers.values()):
            raise DomainError(OrderCode.OWN_PRODUCT, "You can't buy from your own shop.", "items")
        await stock.reserve_stock(quantities)
        return await _write_orders(actor, offers, quantities, snapshot)


async def _write_orders(
    actor: User, offers: dict[int, stock.Offer], quantities: dict[int, int], snapshot: object
) -> list[Order]:
    """The orders (one per shop), their lines and their first events."""
    by_shop: dict[int, list[stock.Offer]] = {}
    for offer in offers.values():
        by_shop.setdefault(offer.shop_id, []).append(offer)
    now = clock.now()
    pay_by = now + timedelta(minutes=runtime.get().settings.payment_timeout_minutes)
    orders = [
        {
            "buyer_id": actor.id,
            "shop_id": shop_id,
            "seller_id": shop_offers[0].owner_id,
            "status": OrderStatus.AWAITING_PAYMENT,
            "subtotal": (subtotal := sum(o.price * quantities[o.variant_id] for o in shop_offers)),
            "total": subtotal,
            "shipping_address": snapshot,
            "pay_by": pay_by,
            "created_at": now,
        }
        for shop_id, shop_offers in sorted(by_shop.items())
    ]
    lines = [
        {
            "product_id": o.product_id,
            "variant_id": o.variant_id,
            "title": o.title,
            "sku": o.sku,
            "options": o.options,
            "image_url": o.image_url,
            "unit_price": o.price,
            "quantity": quantities[o.variant_id],
        }
        for o in offers.values()
    ]
    if db.is_postgres():
        statement, args = sql.insert_sql(Order, orders, returning="*")
        columns = {name: [line[name] for line in lines] for name in lines[0]}
        columns["options"] = [_OPTIONS.to_db_value(v, OrderLine) for v in columns["options"]]
        shops = [o.shop_id for o in offers.values()]
        n = len(args)
        rows = await sql.fetch(
            f"WITH o AS ({statement}), "
            "l AS (INSERT INTO orders_line (order_id, product_id, variant_id, title, sku, "
            "options, image_url, unit_price, quantity) SELECT o.id, x.product_id, x.variant_id, "
            "x.title, x.sku, x.options, x.image_url, x.unit_price, x.quantity FROM o JOIN unnest("
            f"CAST(${n + 1} AS BIGINT[]), CAST(${n + 2} AS BIGINT[]), CAST(${n + 3} AS BIGINT[]), "
            f"CAST(${n + 4} AS VARCHAR[]), CAST(${n + 5} AS VARCHAR[]), CAST(${n + 6} AS JSONB[]), "
            f"CAST(${n + 7} AS VARCHAR[]), CAST(${n + 8} AS BIGINT[]), CAST(${n + 9} AS INT[])) "
            "AS x(shop_id, product_id, variant_id, title, sku, options, image_url, unit_price, "
            "quantity) ON x.shop_id = o.shop_id), "
            "e AS (INSERT INTO orders_event (order_id, status, actor_id, note, at) "
            "SELECT id, status, buyer_id, '', created_at FROM o) "
            "SELECT * FROM o ORDER BY shop_id",
            *args,
            shops,
            *columns.values(),
        )
        return [sql.to_model(Order, r) for r in rows]
    rows = await sql.insert(Order, orders, returning="*")
    placed = sorted((sql.to_model(Order, r) for r in rows), key=lambda o: o.shop_id)
    order_of = {o.shop_id: o.id for o in placed}
    await sql.insert(
        OrderLine,
        [
            {"order_id": order_of[o.shop_id], **line}
            for o, line in zip(offers.values(), lines, strict=True)
        ],
    )
    await sql.insert(
        OrderEvent,
        [
            {"order_id": o.id, "status": o.status, "actor_id": actor.id, "note": "", "at": now}
            for o in placed
        ],
    )
    return placed


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
    paid: list[Order] = []

    async def run() -> int:
        order = await _move(
            order_id,
            OrderStatus.PAID,
            allowed=[OrderStatus.AWAITING_PAYMENT],
            actor=actor,
            party="buyer",
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
        paid.append(order)
        return order.id

    await ledger.idempotent(
        actor.id, "pay", idempotency_key, {"order": order_id}, run, result_id=order_id
    )
    return paid[0] if paid else await _order(order_id)


async def ship_order(actor: User, order_id: int, *, carrier: str, tracking_number: str) -> Order:
    """The seller hands the parcel to a carrier; the auto-confirm clock starts."""
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
            order_id,
            OrderStatus.SHIPPED,
            allowed=[OrderStatus.PAID],
            actor=actor,
            party="seller",
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
    settled: list[Order] = []

    async def run() -> int:
        settled.append(
            await _settle(
                order_id,
                0,
                allowed=[OrderStatus.SHIPPED],
                actor=actor,
                party="buyer" if actor else None,
                note="Receipt confirmed" if actor else "Confirmed automatically after the deadline",
            )
        )
        return order_id

    if actor is None:
        async with in_transaction():
            await run()
    else:
        await ledger.idempotent(
            actor.id, "confirm", idempotency_key, {"order": order_id}, run, result_id=order_id
        )
    return settled[0] if settled else await _order(order_id)


async def extend_confirmation(actor: User, order_id: int) -> Order:
    """The buyer pushes the auto-confirm deadline back, once."""
    order = await _as("buyer", actor, order_id)
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
    for row in await sql.fetch(
        "SELECT variant_id, quantity FROM orders_line WHERE order_id = $1", order_id
    ):
        quantities[row["variant_id"]] = quantities.get(row["variant_id"], 0) + row["quantity"]
    return quantities


async def cancel_order(actor: User | None, order_id: int, *, reason: str = "") -> Order:
    """Cancel before shipping (buyer or seller; ``actor`` None: unpaid past the deadline).
    A paid order is refunded at once; the stock goes back on the shelf."""
    order = await _order(order_id)
    if actor is not None and actor.id not in (order.buyer_id, order.seller_id):
        raise DomainError(OrderCode.ORDER_NOT_FOUND, "No such order.")
    note = reason.strip()[:500] or ("Not paid in time" if actor is None else "Cancelled")
    held = _held(order)
    async with in_transaction():
        cancelled = await _move(
            order.id,
            OrderStatus.CANCELLED,
            allowed=[order.status]
            if order.status in (OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID)
            else [],
            actor=actor,
            note=note,
            closed_at=clock.now(),
            refunded=order.refunded + held,
        )
        if held:
            await _refund(order, held)
        await stock.release_stock(await _lines_quantities(order.id))
    return cancelled


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
    order = await _as("buyer", actor, order_id)
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
            order.id,
            OrderStatus.REFUND_REQUESTED,
            allowed=[OrderStatus.SHIPPED],
            actor=actor,
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
    order = await _as("seller", actor, order_id)
    note = note.strip()[:1000]

    async def run() -> int:
        request = await _open_request(order, RefundStatus.REQUESTED)
        now = clock.now()
        if accept and not require_return:
            await _settle(
                order.id,
                request.amount,
                allowed=[OrderStatus.REFUND_REQUESTED],
                actor=actor,
                note=note or "Refund accepted",
            )
            status = RefundStatus.ACCEPTED
        elif accept:
            await _move(
                order.id,
                OrderStatus.RETURN_REQUESTED,
                allowed=[OrderStatus.REFUND_REQUESTED],
                actor=actor,
                note=note or "Refund accepted once the goods are returned",
            )
            status = RefundStatus.RETURN_REQUESTED
        else:
            if not note:
                raise DomainError(OrderCode.REASON_REQUIRED, "Say why you refuse.", "note")
            await _move(
                order.id,
                OrderStatus.DISPUTED,
                allowed=[OrderStatus.REFUND_REQUESTED],
                actor=actor,
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
    order = await _as("buyer", actor, order_id)
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
    order = await _as("seller", actor, order_id)
    async with in_transaction():
        request = await _open_request(order, RefundStatus.RETURN_REQUESTED)
        settled = await _settle(
            order.id,
            request.amount,
            allowed=[OrderStatus.RETURN_REQUESTED],
            actor=actor,
            note="Goods returned; refund paid",
        )
        await RefundRequest.filter(id=request.id).update(status=RefundStatus.ACCEPTED)
    return settled


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
            order.id,
            refund_amount,
            allowed=[OrderStatus.DISPUTED],
            actor=actor,
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
