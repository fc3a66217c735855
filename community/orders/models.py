"""Order tables: addresses, cart lines, orders with their lines, status history, message
thread, refund requests, disputes, and how far the deadline sweeps have read."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

__all__ = [
    "Address",
    "CartItem",
    "Dispute",
    "DisputeStatus",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderMessage",
    "OrderStatus",
    "RefundRequest",
    "RefundStatus",
    "SweepMark",
]


class OrderStatus(StrEnum):
    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    PAID = "PAID"  # the buyer's money is in escrow
    SHIPPED = "SHIPPED"
    REFUND_REQUESTED = "REFUND_REQUESTED"  # after shipping; auto-confirm is paused
    RETURN_REQUESTED = "RETURN_REQUESTED"  # seller accepted, wants the goods back first
    DISPUTED = "DISPUTED"  # seller refused; an admin decides
    COMPLETED = "COMPLETED"  # escrow released to the seller (maybe after a partial refund)
    REFUNDED = "REFUNDED"  # everything went back to the buyer
    CANCELLED = "CANCELLED"


class RefundStatus(StrEnum):
    REQUESTED = "REQUESTED"
    RETURN_REQUESTED = "RETURN_REQUESTED"
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"
    DECIDED = "DECIDED"


class DisputeStatus(StrEnum):
    OPEN = "OPEN"
    DECIDED = "DECIDED"


class Address(Model):
    id = fields.BigIntField(primary_key=True)
    user_id = fields.BigIntField(db_index=True)
    recipient = fields.CharField(max_length=60)
    phone = fields.CharField(max_length=30)
    line1 = fields.CharField(max_length=200)
    line2 = fields.CharField(max_length=200, default="")
    city = fields.CharField(max_length=80)
    region = fields.CharField(max_length=80, default="")
    postcode = fields.CharField(max_length=20, default="")
    country = fields.CharField(max_length=2, default="CN")
    is_default = fields.BooleanField(default=False)
    deleted = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "orders_address"


class CartItem(Model):
    id = fields.BigIntField(primary_key=True)
    user_id = fields.BigIntField()
    variant_id = fields.BigIntField()
    quantity = fields.IntField()
    added_at = fields.DatetimeField()

    class Meta:
        table = "orders_cart_item"
        unique_together = (("user_id", "variant_id"),)


class Order(Model):
    id = fields.BigIntField(primary_key=True)
    buyer_id = fields.BigIntField(db_index=True)
    shop_id = fields.BigIntField(db_index=True)
    seller_id = fields.BigIntField(db_index=True)
    status = fields.CharEnumField(OrderStatus, max_length=20)
    subtotal = fields.BigIntField()
    discount = fields.BigIntField(default=0)  # a coupon, once coupons exist
    coupon_code = fields.CharField(max_length=40, null=True)
    total = fields.BigIntField()  # what the buyer pays
    refunded = fields.BigIntField(default=0)
    released = fields.BigIntField(default=0)  # to the seller, before the fee
    fee = fields.BigIntField(default=0)
    # A copy of the address at checkout: later edits to the address book don't move parcels.
    shipping_address: dict[str, str] = fields.JSONField()  # type: ignore[assignment]
    carrier = fields.CharField(max_length=40, default="")
    tracking_number = fields.CharField(max_length=60, default="")
    return_carrier = fields.CharField(max_length=40, default="")
    return_tracking_number = fields.CharField(max_length=60, default="")
    pay_by = fields.DatetimeField()
    auto_confirm_at = fields.DatetimeField(null=True)
    confirm_extended = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    paid_at = fields.DatetimeField(null=True)
    shipped_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "orders_order"
        # Indexes for the deadline sweeps, on the deadlines alone. No index may name the
        # status, not even in a partial index's WHERE, and no move but shipping changes a
        # deadline: then paying and settling update the row in place on PostgreSQL (a HOT
        # update) instead of adding an entry to every index of the table, a fifth of the
        # lifecycle's cost. The sweeps in orders.jobs read each index from a mark on.
        indexes = (Index(fields=["pay_by"]), Index(fields=["auto_confirm_at"]))


class OrderLine(Model):
    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "community.Order", related_name="lines", on_delete=fields.CASCADE
    )
    product_id = fields.BigIntField()
    variant_id = fields.BigIntField()
    # Frozen at checkout: what was bought at which price, whatever the shop edits later.
    title = fields.CharField(max_length=120)
    sku = fields.CharField(max_length=64)
    options: dict[str, str] = fields.JSONField(default=dict)  # type: ignore[assignment]
    image_url = fields.CharField(max_length=500, default="")
    unit_price = fields.BigIntField()
    quantity = fields.IntField()

    class Meta:
        table = "orders_line"
        indexes = (("order_id",),)


class OrderEvent(Model):
    """The status history: every transition, who made it and when."""

    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "community.Order", related_name="events", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(OrderStatus, max_length=20)
    actor_id = fields.BigIntField(null=True)  # null: the system (a deadline)
    note = fields.CharField(max_length=500, default="")
    at = fields.DatetimeField()

    class Meta:
        table = "orders_event"
        indexes = (("order_id",),)


class OrderMessage(Model):
    """The buyer–seller thread. Append-only: nothing edits or deletes a message, so an admin
    deciding a dispute sees exactly what was said."""

    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "community.Order", related_name="messages", on_delete=fields.RESTRICT
    )
    sender_id = fields.BigIntField()
    body = fields.TextField()
    sent_at = fields.DatetimeField()

    class Meta:
        table = "orders_message"
        indexes = (("order_id",),)


class RefundRequest(Model):
    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "community.Order", related_name="refund_requests", on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()
    reason = fields.CharField(max_length=1000)
    status = fields.CharEnumField(RefundStatus, max_length=20)
    seller_note = fields.CharField(max_length=1000, default="")
    created_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "orders_refund_request"
        indexes = (("order_id",),)


class Dispute(Model):
    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "community.Order", related_name="disputes", on_delete=fields.RESTRICT
    )
    refund_request: fields.ForeignKeyRelation[RefundRequest] = fields.ForeignKeyField(
        "community.RefundRequest", related_name="disputes", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(DisputeStatus, max_length=10, default=DisputeStatus.OPEN)
    opened_at = fields.DatetimeField()
    decided_by_id = fields.BigIntField(null=True)
    refund_amount = fields.BigIntField(null=True)
    violation_fee = fields.BigIntField(null=True)
    decision_note = fields.CharField(max_length=1000, default="")
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "orders_dispute"
        indexes = (("order_id",),)


class SweepMark(Model):
    """How far a deadline sweep has read: every deadline up to ``upto`` has been handled."""

    name = fields.CharField(max_length=40, primary_key=True)
    upto = fields.DatetimeField()

    class Meta:
        table = "orders_sweep_mark"
