"""Order deadlines, swept by the job worker (safe to run twice: each order moves once)."""

from __future__ import annotations

import logging

from community.infra import clock
from community.infra.errors import DomainError
from community.orders import services
from community.orders.models import Order, OrderStatus

__all__ = ["auto_cancel_unpaid", "auto_confirm_shipped"]

log = logging.getLogger(__name__)
BATCH = 200


async def auto_cancel_unpaid() -> int:
    """Cancel orders not paid by their deadline and put their stock back."""
    due = (
        await Order.filter(status=OrderStatus.AWAITING_PAYMENT, pay_by__lte=clock.now())
        .limit(BATCH)
        .values_list("id", flat=True)
    )
    done = 0
    for order_id in due:
        try:
            await services.cancel_order(None, int(order_id))
            done += 1
        except DomainError:
            pass  # paid or cancelled meanwhile: nothing to do
    return done


async def auto_confirm_shipped() -> int:
    """Confirm receipt of shipped orders whose confirmation deadline passed."""
    due = (
        await Order.filter(status=OrderStatus.SHIPPED, auto_confirm_at__lte=clock.now())
        .limit(BATCH)
        .values_list("id", flat=True)
    )
    done = 0
    for order_id in due:
        try:
            await services.confirm_receipt(None, int(order_id))
            done += 1
        except DomainError:
            pass
    return done
