"""Placing orders: from items (or the cart) to one order per shop, stock reserved and prices
frozen into the lines, in one transaction whatever the number of lines and shops."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from tortoise.transactions import in_transaction

from community.accounts.models import User
from community.catalog import stock
from community.infra import clock, db, runtime, sql
from community.infra.errors import DomainError
from community.orders import cart
from community.orders.errors import OrderCode
from community.orders.models import CartItem, Order, OrderEvent, OrderLine, OrderStatus

__all__ = ["Item", "checkout", "place_order"]

Item = tuple[int, int]  # (variant id, quantity)
_OPTIONS = OrderLine._meta.fields_map["options"]


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
