"""Queries and mutations of the cart, addresses, wallet, orders, refunds and disputes.

Money mutations (``topUp``, ``pay``, ``confirmReceipt``, ``requestRefund``,
``respondToRefund``, ``decideDispute``) take an ``idempotencyKey``: a replay returns the
first result and moves nothing again.
"""

from __future__ import annotations

from typing import Any

import graphene

from community.accounts.models import Role
from community.api.errors import Mutation
from community.api.orders.types import (
    Address,
    Cart,
    DisputeConnection,
    Order,
    OrderConnection,
    OrderStatus,
    Wallet,
)
from community.api.relay import connection, decode_id, page
from community.infra.errors import CommonCode, DomainError
from community.ledger import services as ledger
from community.orders import cart, services
from community.orders.models import Address as AddressModel
from community.orders.models import CartItem as CartItemModel
from community.orders.models import Dispute as DisputeModel
from community.orders.models import Order as OrderModel
from community.orders.models import OrderMessage as OrderMessageModel

__all__ = ["OrderMutations", "OrderQueries"]


def _order_id(global_id: str) -> int:
    return decode_id(global_id, "Order", "orderId")


class OrderQueries(graphene.ObjectType):
    cart = graphene.Field(Cart, description="The logged-in person's cart, or null.")
    addresses = graphene.List(graphene.NonNull(Address), description="Your address book.")
    wallet = graphene.Field(Wallet, description="Your wallet, or null when logged out.")
    order = graphene.Field(Order, id=graphene.ID(required=True))
    my_orders = graphene.ConnectionField(
        OrderConnection,
        status=graphene.List(graphene.NonNull(OrderStatus)),
        description="Orders you placed, newest first.",
    )
    shop_orders = graphene.ConnectionField(
        OrderConnection,
        status=graphene.List(graphene.NonNull(OrderStatus)),
        description="Orders placed with your shop, newest first.",
    )
    disputes = graphene.ConnectionField(
        DisputeConnection,
        open_only=graphene.Boolean(default_value=True),
        description="Disputes for admins to decide.",
    )

    @staticmethod
    async def resolve_cart(root: Any, info: Any) -> Any:
        viewer = info.context.viewer
        return (
            list(await CartItemModel.filter(user_id=viewer.id).order_by("id")) if viewer else None
        )

    @staticmethod
    async def resolve_addresses(root: Any, info: Any) -> Any:
        viewer = info.context.viewer
        if viewer is None:
            return None
        return list(
            await AddressModel.filter(user_id=viewer.id, deleted=False).order_by(
                "-is_default", "id"
            )
        )

    @staticmethod
    def resolve_wallet(root: Any, info: Any) -> Any:
        return info.context.viewer

    @staticmethod
    async def resolve_order(root: Any, info: Any, id: str) -> Any:
        return await Order.get_node(info, decode_id(id, "Order"))

    @staticmethod
    async def resolve_my_orders(root: Any, info: Any, status: Any = None, **args: Any) -> Any:
        viewer = info.context.require_user()
        rows = OrderModel.filter(buyer_id=viewer.id)
        if status:
            rows = rows.filter(
                status__in=[str(s.value if hasattr(s, "value") else s) for s in status]
            )
        items, more = await page(rows, first=args.get("first"), after=args.get("after"))
        return connection(OrderConnection, items, more)

    @staticmethod
    async def resolve_shop_orders(root: Any, info: Any, status: Any = None, **args: Any) -> Any:
        viewer = info.context.require_user()
        rows = OrderModel.filter(seller_id=viewer.id)
        if status:
            rows = rows.filter(
                status__in=[str(s.value if hasattr(s, "value") else s) for s in status]
            )
        items, more = await page(rows, first=args.get("first"), after=args.get("after"))
        return connection(OrderConnection, items, more)

    @staticmethod
    async def resolve_disputes(root: Any, info: Any, open_only: bool = True, **args: Any) -> Any:
        viewer = info.context.require_user()
        if Role.ADMIN not in await info.context.loaders.roles_by_user_id.load(viewer.id):
            raise DomainError(CommonCode.PERMISSION_DENIED, "Only admins see disputes.")
        rows = DisputeModel.filter(status="OPEN") if open_only else DisputeModel.all()
        items, more = await page(rows, first=args.get("first"), after=args.get("after"))
        return connection(DisputeConnection, items, more)


# --- addresses, cart, wallet ---------------------------------------------------------


class AddAddressInput(graphene.InputObjectType):
    recipient = graphene.String(required=True)
    phone = graphene.String(required=True)
    line1 = graphene.String(required=True)
    line2 = graphene.String()
    city = graphene.String(required=True)
    region = graphene.String()
    postcode = graphene.String()
    country = graphene.String(description="Two letters; CN by default.")
    make_default = graphene.Boolean()


class AddAddress(Mutation):
    class Arguments:
        input = AddAddressInput(required=True)

    address = graphene.Field(Address)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> AddAddress:
        fields = {k: v for k, v in dict(input).items() if v is not None}
        return cls(address=await cart.add_address(info.context.require_user(), **fields))


class DeleteAddressInput(graphene.InputObjectType):
    id = graphene.ID(required=True)


class DeleteAddress(Mutation):
    ok = graphene.Boolean(required=True)

    class Arguments:
        input = DeleteAddressInput(required=True)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> DeleteAddress:
        actor = info.context.require_user()
        await cart.delete_address(actor, decode_id(input.id, "Address", "id"))
        return cls(ok=True)


class CartLineInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True, description="Added to what is there; set: exact.")


class AddToCart(Mutation):
    class Arguments:
        input = CartLineInput(required=True)

    cart = graphene.Field(Cart)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> AddToCart:
        actor = info.context.require_user()
        await cart.add_to_cart(
            actor,
            variant_id=decode_id(input.variant_id, "Variant", "variantId"),
            quantity=input.quantity,
        )
        return cls(cart=list(await CartItemModel.filter(user_id=actor.id).order_by("id")))


class SetCartQuantity(Mutation):
    """Set a cart line's quantity exactly; 0 removes it."""

    class Arguments:
        input = CartLineInput(required=True)

    cart = graphene.Field(Cart)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> SetCartQuantity:
        actor = info.context.require_user()
        await cart.set_cart_quantity(
            actor,
            variant_id=decode_id(input.variant_id, "Variant", "variantId"),
            quantity=input.quantity,
        )
        return cls(cart=list(await CartItemModel.filter(user_id=actor.id).order_by("id")))


class TopUpInput(graphene.InputObjectType):
    amount = graphene.Int(required=True, description="Minor units (fen).")
    idempotency_key = graphene.String()


class TopUp(Mutation):
    """Add money to your wallet from the (sandbox) payment provider."""

    class Arguments:
        input = TopUpInput(required=True)

    wallet = graphene.Field(Wallet)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> TopUp:
        actor = info.context.require_user()
        await ledger.top_up(actor.id, amount=input.amount, idempotency_key=input.idempotency_key)
        return cls(wallet=actor)


# --- placing orders -------------------------------------------------------------------


class CheckoutInput(graphene.InputObjectType):
    address_id = graphene.ID(required=True)
    variant_ids = graphene.List(
        graphene.NonNull(graphene.ID), description="Only these cart lines (default: all)."
    )
    coupon_code = graphene.String(description="Reserved for coupons.")


class Checkout(Mutation):
    """Order the cart: one order per shop, stock reserved, prices frozen."""

    class Arguments:
        input = CheckoutInput(required=True)

    orders = graphene.List(graphene.NonNull(Order))

    @classmethod
    async def perform(cls, info: Any, input: Any) -> Checkout:
        variant_ids = (
            [decode_id(v, "Variant", "variantIds") for v in input.variant_ids]
            if input.variant_ids is not None
            else None
        )
        orders = await services.checkout(
            info.context.require_user(),
            address_id=decode_id(input.address_id, "Address", "addressId"),
            variant_ids=variant_ids,
            coupon_code=input.coupon_code,
        )
        return cls(orders=orders)


class PlaceOrderInput(graphene.InputObjectType):
    address_id = graphene.ID(required=True)
    items = graphene.List(graphene.NonNull(CartLineInput), required=True)
    coupon_code = graphene.String(description="Reserved for coupons.")


class PlaceOrder(Mutation):
    """Buy now, without the cart."""

    class Arguments:
        input = PlaceOrderInput(required=True)

    orders = graphene.List(graphene.NonNull(Order))

    @classmethod
    async def perform(cls, info: Any, input: Any) -> PlaceOrder:
        items = [(decode_id(i.variant_id, "Variant", "items"), i.quantity) for i in input.items]
        orders = await services.place_order(
            info.context.require_user(),
            items=items,
            address_id=decode_id(input.address_id, "Address", "addressId"),
            coupon_code=input.coupon_code,
        )
        return cls(orders=orders)


# --- the lifecycle --------------------------------------------------------------------


class OrderActionInput(graphene.InputObjectType):
    order_id = graphene.ID(required=True)
    idempotency_key = graphene.String(description="Pay and confirmReceipt: replay-safe key.")


class _OrderAction(Mutation):
    """Base of the one-click order actions: decode the order, call ``action``, return it."""

    class Meta:
        abstract = True

    class Arguments:
        input = OrderActionInput(required=True)

    order = graphene.Field(Order)
    action: Any = None
    keyed = False  # the action takes an idempotency key

    @classmethod
    async def perform(cls, info: Any, input: Any) -> Any:
        extra = {"idempotency_key": input.idempotency_key} if cls.keyed else {}
        order = await cls.action(info.context.require_user(), _order_id(input.order_id), **extra)
        return cls(order=order)


class Pay(_OrderAction):
    """Pay from your wallet; the platform holds the money until you confirm receipt."""

    action = staticmethod(services.pay)
    keyed = True


class ConfirmReceipt(_OrderAction):
    """You got the goods: the seller is paid from escrow."""

    action = staticmethod(services.confirm_receipt)
    keyed = True


class ExtendConfirmation(_OrderAction):
    """Push the automatic confirmation back (once per order)."""

    action = staticmethod(services.extend_confirmation)


class ConfirmReturn(_OrderAction):
    """The goods are back: pay the accepted refund."""

    action = staticmethod(services.confirm_return)


class CancelOrderInput(graphene.InputObjectType):
    order_id = graphene.ID(required=True)
    reason = graphene.String()


class CancelOrder(Mutation):
    """Cancel before shipping (buyer or seller); a paid order is refunded at once."""

    class Arguments:
        input = CancelOrderInput(required=True)

    order = graphene.Field(Order)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> CancelOrder:
        order = await services.cancel_order(
            info.context.require_user(), _order_id(input.order_id), reason=input.reason or ""
        )
        return cls(order=order)


class ShipInput(graphene.InputObjectType):
    order_id = graphene.ID(required=True)
    carrier = graphene.String(required=True)
    tracking_number = graphene.String(required=True)


class _Shipment(Mutation):
    """Base of the two shipments: the seller's parcel and the buyer's return."""

    class Meta:
        abstract = True

    class Arguments:
        input = ShipInput(required=True)

    order = graphene.Field(Order)
    action: Any = None

    @classmethod
    async def perform(cls, info: Any, input: Any) -> Any:
        order = await cls.action(
            info.context.require_user(),
            _order_id(input.order_id),
            carrier=input.carrier,
            tracking_number=input.tracking_number,
        )
        return cls(order=order)


class ShipOrder(_Shipment):
    """The seller hands the parcel to a carrier."""

    action = staticmethod(services.ship_order)


class ShipReturn(_Shipment):
    """Send the goods back after the seller asked for them."""

    action = staticmethod(services.ship_return)


class RequestRefundInput(graphene.InputObjectType):
    order_id = graphene.ID(required=True)
    amount = graphene.Int(required=True, description="Minor units, at most what you paid.")
    reason = graphene.String(required=True)
    idempotency_key = graphene.String()


class RequestRefund(Mutation):
    class Arguments:
        input = RequestRefundInput(required=True)

    order = graphene.Field(Order)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> RequestRefund:
        order = await services.request_refund(
            info.context.require_user(),
            _order_id(input.order_id),
            amount=input.amount,
            reason=input.reason,
            idempotency_key=input.idempotency_key,
        )
        return cls(order=order)


class RespondToRefundInput(graphene.InputObjectType):
    order_id = graphene.ID(required=True)
    accept = graphene.Boolean(required=True)
    require_return = graphene.Boolean(description="Refund once the goods are back.")
    note = graphene.String(description="Required when refusing.")
    idempotency_key = graphene.String()


class RespondToRefund(Mutation):
    """Accept a refund request, or refuse it (an admin then decides the dispute)."""

    class Arguments:
        input = RespondToRefundInput(required=True)

    order = graphene.Field(Order)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> RespondToRefund:
        order = await services.respond_to_refund(
            info.context.require_user(),
            _order_id(input.order_id),
            accept=input.accept,
            require_return=bool(input.require_return),
            note=input.note or "",
            idempotency_key=input.idempotency_key,
        )
        return cls(order=order)


class DecideDisputeInput(graphene.InputObjectType):
    order_id = graphene.ID(required=True)
    refund_amount = graphene.Int(required=True, description="Minor units back to the buyer.")
    violation_fee = graphene.Int(description="From the seller's deposit to the buyer.")
    note = graphene.String()
    idempotency_key = graphene.String()


class DecideDispute(Mutation):
    """Admins: settle a dispute."""

    class Arguments:
        input = DecideDisputeInput(required=True)

    order = graphene.Field(Order)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> DecideDispute:
        order = await services.decide_dispute(
            info.context.require_user(),
            _order_id(input.order_id),
            refund_amount=input.refund_amount,
            violation_fee=input.violation_fee or 0,
            note=input.note or "",
            idempotency_key=input.idempotency_key,
        )
        return cls(order=order)


class SendOrderMessageInput(graphene.InputObjectType):
    order_id = graphene.ID(required=True)
    body = graphene.String(required=True)


class SendOrderMessage(Mutation):
    """Write in the order's thread (kept unaltered as evidence)."""

    class Arguments:
        input = SendOrderMessageInput(required=True)

    order = graphene.Field(Order)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> SendOrderMessage:
        order_id = _order_id(input.order_id)
        message: OrderMessageModel = await services.send_message(
            info.context.require_user(), order_id, body=input.body
        )
        return cls(order=await OrderModel.get(id=message.order_id))  # type: ignore[attr-defined]


class OrderMutations(graphene.ObjectType):
    add_address = AddAddress.Field()
    delete_address = DeleteAddress.Field()
    add_to_cart = AddToCart.Field()
    set_cart_quantity = SetCartQuantity.Field()
    top_up = TopUp.Field()
    checkout = Checkout.Field()
    place_order = PlaceOrder.Field()
    pay = Pay.Field()
    cancel_order = CancelOrder.Field()
    ship_order = ShipOrder.Field()
    confirm_receipt = ConfirmReceipt.Field()
    extend_confirmation = ExtendConfirmation.Field()
    request_refund = RequestRefund.Field()
    respond_to_refund = RespondToRefund.Field()
    ship_return = ShipReturn.Field()
    confirm_return = ConfirmReturn.Field()
    decide_dispute = DecideDispute.Field()
    send_order_message = SendOrderMessage.Field()
