"""The order lifecycle with escrow (placing an order is in :mod:`.placing`, the transition
machinery in :mod:`.transitions`).

AWAITING_PAYMENT → PAID (buyer wallet → escrow) → SHIPPED → COMPLETED (escrow → seller,
minus the platform fee), or CANCELLED before shipping (refunded at once). After shipping the
buyer may request a refund: the seller accepts (at once, or once the goods are back) or
refuses, and then an admin decides the dispute. Every transition is a conditional update on
the current status, so of two racing actions exactly one wins; money moves in the same
transaction as the transition.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta

from tortoise.transactions import in_transaction

from community.accounts import services as accounts
from community.accounts.models import User
from community.catalog import stock
from community.infra import clock, db, runtime, sql
from community.infra.errors import DomainError
from community.ledger import services as ledger
from community.ledger.errors import LedgerCode
from community.ledger.models import AccountKind, TransferKind
from community.orders.errors import OrderCode
from community.orders.models import (
    Dispute,
    DisputeStatus,
    Order,
    OrderEvent,
    OrderMessage,
    OrderStatus,
    RefundRequest,
    RefundStatus,
)
from community.orders.placing import checkout, place_order
from community.orders.policy import is_admin
from community.orders.transitions import (
    as_party,
    escrow_balance,
    held_in_escrow,
    load,
    move,
    refund_buyer,
    settle,
)

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

MAX_MESSAGE = 2000


async def _is_admin(actor: User) -> bool:
    return is_admin((await accounts.roles_of([actor.id]))[actor.id])


# --- the happy path -------------------------------------------------------------------


async def pay(actor: User, order_id: int, *, idempotency_key: str | None = None) -> Order:
    """Pay an order from the wallet; the money waits in escrow."""
    paid: list[Order] = []

    async def run() -> int:
        order = await move(
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
    return paid[0] if paid else await load(order_id)


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
    # On PostgreSQL the move (with its event) is one statement, atomic without BEGIN/COMMIT.
    async with nullcontext() if db.is_postgres() else in_transaction():
        return await move(
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
            await settle(
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
    return settled[0] if settled else await load(order_id)


async def extend_confirmation(actor: User, order_id: int) -> Order:
    """The buyer pushes the auto-confirm deadline back, once."""
    order = await as_party("buyer", actor, order_id)
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
    return await load(order_id)


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
    order = await load(order_id)
    if actor is not None and actor.id not in (order.buyer_id, order.seller_id):
        raise DomainError(OrderCode.ORDER_NOT_FOUND, "No such order.")
    note = reason.strip()[:500] or ("Not paid in time" if actor is None else "Cancelled")
    held = held_in_escrow(order)
    async with in_transaction():
        cancelled = await move(
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
            await refund_buyer(order, held)
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
    order = await as_party("buyer", actor, order_id)
    reason = reason.strip()
    if not reason or len(reason) > 1000:
        raise DomainError(
            OrderCode.REASON_REQUIRED, "Say why (at most 1,000 characters).", "reason"
        )

    async def run() -> int:
        if not 1 <= amount <= held_in_escrow(order):
            raise DomainError(
                OrderCode.REFUND_AMOUNT_INVALID,
                f"Ask for between 0.01 and {held_in_escrow(order) / 100:.2f}.",
                "amount",
            )
        await move(
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
    return await load(order_id)


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
    order = await as_party("seller", actor, order_id)
    note = note.strip()[:1000]

    async def run() -> int:
        request = await _open_request(order, RefundStatus.REQUESTED)
        now = clock.now()
        if accept and not require_return:
            await settle(
                order.id,
                request.amount,
                allowed=[OrderStatus.REFUND_REQUESTED],
                actor=actor,
                note=note or "Refund accepted",
            )
            status = RefundStatus.ACCEPTED
        elif accept:
            await move(
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
            await move(
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
    return await load(order_id)


async def ship_return(actor: User, order_id: int, *, carrier: str, tracking_number: str) -> Order:
    """The buyer sends the goods back and records the tracking number."""
    order = await as_party("buyer", actor, order_id)
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
    return await load(order_id)


async def confirm_return(actor: User, order_id: int) -> Order:
    """The seller has the goods back: the accepted refund is paid."""
    order = await as_party("seller", actor, order_id)
    async with in_transaction():
        request = await _open_request(order, RefundStatus.RETURN_REQUESTED)
        settled = await settle(
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
    order = await load(order_id)
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
        if not 0 <= refund_amount <= held_in_escrow(order):
            raise DomainError(
                OrderCode.REFUND_AMOUNT_INVALID,
                f"Refund between 0 and {held_in_escrow(order) / 100:.2f}.",
                "refundAmount",
            )
        await settle(
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
    return await load(order_id)


async def send_message(actor: User, order_id: int, *, body: str) -> OrderMessage:
    """Post to the order's thread (buyer, seller, or an admin looking at a dispute)."""
    order = await load(order_id)
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
