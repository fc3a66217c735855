"""Moving an order from status to status, with its event and the money escrow holds.

Every transition is one conditional ``UPDATE … RETURNING`` on the current status (and, on
PostgreSQL, the status event in the same statement), so of two racing actions exactly one
wins; money moves in the same transaction, after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from community.accounts.models import User
from community.infra import clock, db, runtime, sql
from community.infra.errors import DomainError
from community.ledger import services as ledger
from community.ledger.models import AccountKind, TransferKind
from community.orders.errors import OrderCode
from community.orders.models import Order, OrderEvent, OrderStatus

__all__ = [
    "Computed",
    "Party",
    "as_party",
    "check_party",
    "escrow_balance",
    "held_in_escrow",
    "load",
    "move",
    "refund_buyer",
    "settle",
]

Party = Literal["buyer", "seller"]
_FIELDS = Order._meta.fields_map


@dataclass(frozen=True)
class Computed:
    """SQL the transition's UPDATE evaluates on the row itself: each ``{}`` in ``text`` is
    bound to the next of ``args``."""

    text: str
    args: tuple[object, ...] = ()


async def move(
    order_id: int,
    to: OrderStatus | Computed,
    *,
    allowed: Iterable[OrderStatus],
    actor: User | None,
    party: Party | None = None,
    note: str = "",
    guard: Computed | None = None,
    **changes: object,
) -> Order:
    """Move an order to ``to`` if it is still in an allowed status (and ``actor`` is its
    ``party``, and ``guard`` holds), record the event, and return the order as it is now.

    One conditional ``UPDATE … RETURNING`` decides, so of two racing actions exactly one
    wins; the loser gets WRONG_STATE (or NOT_BUYER, NOT_SELLER, ORDER_NOT_FOUND)."""
    args: list[object] = [order_id]

    def bind(value: object) -> str:
        if isinstance(value, Computed):
            return value.text.format(*(bind(a) for a in value.args))
        args.append(value)
        return f"${len(args)}"

    sets = [f"status = {bind(to if isinstance(to, Computed) else to.value)}"]
    sets += [
        f"{name} = {bind(v if isinstance(v, Computed) else _FIELDS[name].to_db_value(v, Order))}"
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
        order = await load(order_id)
        if party is not None:
            check_party(order, actor, party)
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


def held_in_escrow(order: Order) -> int:
    """What escrow holds for an order, read off the order (the ledger keeps them equal):
    what was paid minus what was refunded or released."""
    return order.total - order.refunded - order.released if order.paid_at else 0


async def settle(
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
    settled = await move(
        order_id,
        Computed("CASE WHEN total = {} THEN {} ELSE {} END", (refund, "REFUNDED", "COMPLETED")),
        allowed=allowed,
        actor=actor,
        party=party,
        note=note,
        guard=Computed("refunded = 0 AND released = 0 AND total >= {}", (refund,)),
        closed_at=clock.now(),
        refunded=refund,
        released=Computed("total - {}", (refund,)),
        fee=Computed("(total - {}) * {} / 10000", (refund, bps)),
    )
    if refund:
        await refund_buyer(settled, refund)
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


async def refund_buyer(order: Order, amount: int) -> None:
    """Escrow → the buyer's wallet (in the caller's transaction)."""
    await ledger.transfer(
        TransferKind.REFUND,
        [(AccountKind.ESCROW, order.id, -amount), (AccountKind.WALLET, order.buyer_id, amount)],
        order_id=order.id,
    )


async def escrow_balance(order_id: int) -> int:
    """The order's escrow account in the ledger."""
    return await ledger.balance(AccountKind.ESCROW, order_id)


async def load(order_id: int) -> Order:
    """The order, or ORDER_NOT_FOUND."""
    row = await sql.fetchrow("SELECT * FROM orders_order WHERE id = $1", order_id)
    if row is None:
        raise DomainError(OrderCode.ORDER_NOT_FOUND, "No such order.", "orderId")
    return sql.to_model(Order, row)  # type: ignore[no-any-return]


def check_party(order: Order, actor: User | None, party: Party) -> None:
    """Refuse unless ``actor`` is the order's ``party`` (NOT_BUYER / NOT_SELLER to the other
    party, ORDER_NOT_FOUND to anyone else: they may not learn it exists)."""
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


async def as_party(party: Party, actor: User, order_id: int) -> Order:
    """The order, if ``actor`` is its ``party``."""
    order = await load(order_id)
    check_party(order, actor, party)
    return order
