"""Order-side types: addresses, the cart, orders with their history, thread, refunds and
disputes, and the wallet."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay

from community.api.accounts.types import User
from community.api.catalog.types import (
    Product,
    Shop,
    Variant,
    VariantOption,
    option_list,
    visible_product,
)
from community.api.money import Money, money
from community.api.relay import Node
from community.orders import policy, services
from community.orders.models import Address as AddressModel
from community.orders.models import CartItem as CartItemModel
from community.orders.models import Dispute as DisputeModel
from community.orders.models import DisputeStatus as DisputeStatusModel
from community.orders.models import Order as OrderModel
from community.orders.models import OrderStatus as OrderStatusModel
from community.orders.models import RefundStatus as RefundStatusModel

__all__ = [
    "Address",
    "Cart",
    "CartLine",
    "Dispute",
    "DisputeConnection",
    "Order",
    "OrderConnection",
    "OrderStatus",
    "Wallet",
    "visible_order",
]

OrderStatus = graphene.Enum.from_enum(OrderStatusModel, description="Where an order is.")
RefundStatus = graphene.Enum.from_enum(RefundStatusModel)
DisputeStatus = graphene.Enum.from_enum(DisputeStatusModel)


class Address(graphene.ObjectType):
    class Meta:
        interfaces = (Node,)

    recipient = graphene.String(required=True)
    phone = graphene.String(required=True)
    line1 = graphene.String(required=True)
    line2 = graphene.String(required=True)
    city = graphene.String(required=True)
    region = graphene.String(required=True)
    postcode = graphene.String(required=True)
    country = graphene.String(required=True)
    is_default = graphene.Boolean(required=True)

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, AddressModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> AddressModel | None:
        viewer = info.context.viewer
        if viewer is None:
            return None
        return await AddressModel.get_or_none(id=pk, user_id=viewer.id, deleted=False)


class ShippingAddress(graphene.ObjectType):
    """The address copied into an order at checkout."""

    recipient = graphene.String(required=True)
    phone = graphene.String(required=True)
    line1 = graphene.String(required=True)
    line2 = graphene.String(required=True)
    city = graphene.String(required=True)
    region = graphene.String(required=True)
    postcode = graphene.String(required=True)
    country = graphene.String(required=True)


class CartLine(graphene.ObjectType):
    variant = graphene.Field(Variant, description="Null when it is no longer for sale.")
    product = graphene.Field(Product)
    quantity = graphene.Int(required=True)
    line_total = graphene.Field(Money)

    @staticmethod
    async def resolve_variant(item: CartItemModel, info: Any) -> Any:
        variant = await info.context.loaders.variant_by_id.load(item.variant_id)
        if variant is None or not variant.is_active:
            return None
        return variant if await visible_product(info, variant.product_id) else None

    @staticmethod
    async def resolve_product(item: CartItemModel, info: Any) -> Any:
        variant = await info.context.loaders.variant_by_id.load(item.variant_id)
        return await visible_product(info, variant.product_id) if variant else None

    @staticmethod
    async def resolve_line_total(item: CartItemModel, info: Any) -> Any:
        variant = await info.context.loaders.variant_by_id.load(item.variant_id)
        return money(variant.price * item.quantity) if variant else None


class Cart(graphene.ObjectType):
    lines = graphene.List(graphene.NonNull(CartLine), required=True)
    total = graphene.Field(Money, required=True)
    count = graphene.Int(required=True, description="Units in the cart.")

    @staticmethod
    def resolve_lines(items: list[CartItemModel], info: Any) -> list[CartItemModel]:
        return items

    @staticmethod
    async def resolve_total(items: list[CartItemModel], info: Any) -> Any:
        variants = await info.context.loaders.variant_by_id.load_many([i.variant_id for i in items])
        return money(
            sum(
                v.price * i.quantity
                for v, i in zip(variants, items, strict=True)
                if v and v.is_active
            )
        )

    @staticmethod
    def resolve_count(items: list[CartItemModel], info: Any) -> int:
        return sum(i.quantity for i in items)


class OrderLine(graphene.ObjectType):
    title = graphene.String(required=True)
    sku = graphene.String(required=True)
    options = graphene.List(graphene.NonNull(VariantOption), required=True)
    image_url = graphene.String()
    unit_price = graphene.Field(Money, required=True, description="Frozen at checkout.")
    quantity = graphene.Int(required=True)
    line_total = graphene.Field(Money, required=True)
    product = graphene.Field(Product, description="The live product, if still visible.")

    @staticmethod
    def resolve_options(line: Any, info: Any) -> list[VariantOption]:
        return option_list(line.options)

    @staticmethod
    def resolve_image_url(line: Any, info: Any) -> str | None:
        return line.image_url or None

    @staticmethod
    def resolve_unit_price(line: Any, info: Any) -> Any:
        return money(line.unit_price)

    @staticmethod
    def resolve_line_total(line: Any, info: Any) -> Any:
        return money(line.unit_price * line.quantity)

    @staticmethod
    async def resolve_product(line: Any, info: Any) -> Any:
        return await visible_product(info, line.product_id)


class OrderEvent(graphene.ObjectType):
    status = graphene.Field(OrderStatus, required=True)
    actor = graphene.Field(User, description="Null when the system acted (a deadline).")
    note = graphene.String(required=True)
    at = graphene.DateTime(required=True)

    @staticmethod
    async def resolve_actor(event: Any, info: Any) -> Any:
        return (
            await info.context.loaders.user_by_id.load(event.actor_id) if event.actor_id else None
        )


class OrderMessage(graphene.ObjectType):
    sender = graphene.Field(User, required=True)
    body = graphene.String(required=True)
    sent_at = graphene.DateTime(required=True)

    @staticmethod
    async def resolve_sender(message: Any, info: Any) -> Any:
        return await info.context.loaders.user_by_id.load(message.sender_id)


class RefundRequest(graphene.ObjectType):
    amount = graphene.Field(Money, required=True)
    reason = graphene.String(required=True)
    status = graphene.Field(RefundStatus, required=True)
    seller_note = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    answered_at = graphene.DateTime()

    @staticmethod
    def resolve_amount(request: Any, info: Any) -> Any:
        return money(request.amount)


class Dispute(graphene.ObjectType):
    """A refused refund for an admin to decide, with the evidence."""

    class Meta:
        interfaces = (Node,)

    order = graphene.Field(lambda: Order, required=True)
    refund_request = graphene.Field(RefundRequest, required=True)
    status = graphene.Field(DisputeStatus, required=True)
    opened_at = graphene.DateTime(required=True)
    decided_by = graphene.Field(User)
    refund_amount = graphene.Field(Money)
    violation_fee = graphene.Field(Money)
    decision_note = graphene.String(required=True)
    decided_at = graphene.DateTime()

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, DisputeModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> DisputeModel | None:
        dispute = await DisputeModel.get_or_none(id=pk)
        if dispute is None or await visible_order(info, dispute.order_id) is None:  # type: ignore[attr-defined]
            return None
        return dispute

    @staticmethod
    async def resolve_order(dispute: Any, info: Any) -> Any:
        return await visible_order(info, dispute.order_id)

    @staticmethod
    async def resolve_refund_request(dispute: Any, info: Any) -> Any:
        requests = await info.context.loaders.refund_requests_by_order_id.load(dispute.order_id)
        return next(r for r in requests if r.id == dispute.refund_request_id)

    @staticmethod
    async def resolve_decided_by(dispute: Any, info: Any) -> Any:
        pk = dispute.decided_by_id
        return await info.context.loaders.user_by_id.load(pk) if pk else None

    @staticmethod
    def resolve_refund_amount(dispute: Any, info: Any) -> Any:
        return money(dispute.refund_amount) if dispute.refund_amount is not None else None

    @staticmethod
    def resolve_violation_fee(dispute: Any, info: Any) -> Any:
        return money(dispute.violation_fee) if dispute.violation_fee is not None else None


async def visible_order(info: Any, order_id: int) -> OrderModel | None:
    """The order if the viewer is its buyer, its seller or an admin."""
    viewer = info.context.viewer
    if viewer is None:
        return None
    order = await info.context.loaders.order_by_id.load(order_id)
    if order is None:
        return None
    roles = await info.context.loaders.roles_by_user_id.load(viewer.id)
    return order if policy.can_view_order(viewer.id, order, roles) else None


class Order(graphene.ObjectType):
    class Meta:
        interfaces = (Node,)

    number = graphene.String(required=True, description="For people: HW-000123.")
    status = graphene.Field(OrderStatus, required=True)
    buyer = graphene.Field(User, required=True)
    shop = graphene.Field(Shop, required=True)
    lines = graphene.List(graphene.NonNull(OrderLine), required=True)
    subtotal = graphene.Field(Money, required=True)
    discount = graphene.Field(Money, required=True)
    total = graphene.Field(Money, required=True)
    refunded = graphene.Field(Money, required=True)
    escrow = graphene.Field(Money, required=True, description="Held by the platform now.")
    seller_proceeds = graphene.Field(Money, description="Paid to the seller after fees.")
    shipping_address = graphene.Field(ShippingAddress, required=True)
    carrier = graphene.String()
    tracking_number = graphene.String()
    return_carrier = graphene.String()
    return_tracking_number = graphene.String()
    pay_by = graphene.DateTime(required=True)
    auto_confirm_at = graphene.DateTime(
        description="When receipt is confirmed automatically if the buyer has not: set when "
        "the order ships, null once it is closed."
    )
    confirm_extended = graphene.Boolean(required=True)
    created_at = graphene.DateTime(required=True)
    paid_at = graphene.DateTime()
    shipped_at = graphene.DateTime()
    closed_at = graphene.DateTime()
    history = graphene.List(graphene.NonNull(OrderEvent), required=True)
    messages = graphene.List(graphene.NonNull(OrderMessage), required=True)
    refund_requests = graphene.List(graphene.NonNull(RefundRequest), required=True)
    dispute = graphene.Field(Dispute)
    ratings = graphene.Field(
        "community.api.ratings.types.OrderRatings",
        required=True,
        description="Ratings of this order from the viewer's side.",
    )
    viewer_role = graphene.String(
        required=True, description="BUYER, SELLER or ADMIN: how the viewer relates to it."
    )

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, OrderModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> OrderModel | None:
        return await visible_order(info, pk)

    @staticmethod
    def resolve_number(order: OrderModel, info: Any) -> str:
        return f"HW-{order.id:06d}"

    @staticmethod
    async def resolve_buyer(order: OrderModel, info: Any) -> Any:
        return await info.context.loaders.user_by_id.load(order.buyer_id)

    @staticmethod
    async def resolve_shop(order: OrderModel, info: Any) -> Any:
        return await info.context.loaders.shop_by_id.load(order.shop_id)

    @staticmethod
    async def resolve_lines(order: OrderModel, info: Any) -> Any:
        return await info.context.loaders.lines_by_order_id.load(order.id)

    @staticmethod
    def resolve_subtotal(order: OrderModel, info: Any) -> Any:
        return money(order.subtotal)

    @staticmethod
    def resolve_discount(order: OrderModel, info: Any) -> Any:
        return money(order.discount)

    @staticmethod
    def resolve_total(order: OrderModel, info: Any) -> Any:
        return money(order.total)

    @staticmethod
    def resolve_refunded(order: OrderModel, info: Any) -> Any:
        return money(order.refunded)

    @staticmethod
    def resolve_escrow(order: OrderModel, info: Any) -> Any:
        return money(services.held_in_escrow(order))

    @staticmethod
    def resolve_auto_confirm_at(order: OrderModel, info: Any) -> Any:
        # The deadline stays on the row when the order closes (see Order.Meta): moot then.
        return None if order.closed_at else order.auto_confirm_at

    @staticmethod
    def resolve_seller_proceeds(order: OrderModel, info: Any) -> Any:
        return money(order.released - order.fee) if order.released else None

    @staticmethod
    def resolve_shipping_address(order: OrderModel, info: Any) -> Any:
        return ShippingAddress(
            **{k: order.shipping_address.get(k, "") for k in ShippingAddress._meta.fields}
        )

    @staticmethod
    def resolve_carrier(order: OrderModel, info: Any) -> str | None:
        return order.carrier or None

    @staticmethod
    def resolve_tracking_number(order: OrderModel, info: Any) -> str | None:
        return order.tracking_number or None

    @staticmethod
    def resolve_return_carrier(order: OrderModel, info: Any) -> str | None:
        return order.return_carrier or None

    @staticmethod
    def resolve_return_tracking_number(order: OrderModel, info: Any) -> str | None:
        return order.return_tracking_number or None

    @staticmethod
    async def resolve_history(order: OrderModel, info: Any) -> Any:
        return await info.context.loaders.events_by_order_id.load(order.id)

    @staticmethod
    async def resolve_messages(order: OrderModel, info: Any) -> Any:
        return await info.context.loaders.messages_by_order_id.load(order.id)

    @staticmethod
    async def resolve_refund_requests(order: OrderModel, info: Any) -> Any:
        return await info.context.loaders.refund_requests_by_order_id.load(order.id)

    @staticmethod
    async def resolve_dispute(order: OrderModel, info: Any) -> Any:
        disputes = await info.context.loaders.disputes_by_order_id.load(order.id)
        return disputes[-1] if disputes else None

    @staticmethod
    def resolve_ratings(order: OrderModel, info: Any) -> OrderModel:
        return order

    @staticmethod
    def resolve_viewer_role(order: OrderModel, info: Any) -> str:
        viewer = info.context.viewer
        if viewer and viewer.id == order.buyer_id:
            return "BUYER"
        if viewer and viewer.id == order.seller_id:
            return "SELLER"
        return "ADMIN"


class OrderConnection(relay.Connection):
    class Meta:
        node = Order


class DisputeConnection(relay.Connection):
    class Meta:
        node = Dispute


class Wallet(graphene.ObjectType):
    """The logged-in person's money on the platform."""

    balance = graphene.Field(Money, required=True)
    deposit = graphene.Field(Money, required=True, description="Locked as shop security deposit.")

    @staticmethod
    async def resolve_balance(user: Any, info: Any) -> Any:
        return money(await info.context.loaders.wallet_by_owner_id.load(user.id))

    @staticmethod
    async def resolve_deposit(user: Any, info: Any) -> Any:
        return money(await info.context.loaders.deposit_by_owner_id.load(user.id))
