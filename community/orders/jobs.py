"""Order deadlines, swept by the job worker (safe to run twice: each order moves once)."""

from __future__ import annotations

import logging

from community.infra import clock, sql
from community.infra.errors import DomainError
from community.orders import services
from community.orders.models import OrderStatus

__all__ = ["auto_cancel_unpaid", "auto_confirm_shipped"]

log = logging.getLogger(__name__)
BATCH = 200


async def _due(deadline: str, status: OrderStatus) -> list[int]:
    # The status is written into the statement, not bound: only then can the planner use
    # the partial index on the deadline of orders in that status.
    rows = await sql.fetch(
        f"SELECT id FROM orders_order WHERE status = '{status.value}' AND {deadline} <= $1 "
        f"ORDER BY {deadline} LIMIT {BATCH}",
        clock.now(),
    )
    return [int(r["id"]) for r in rows]


async def auto_cancel_unpaid() -> int:
    """Cancel orders not paid by their deadline and put their stock back."""
    done = 0
    for order_id in await _due("pay_by", OrderStatus.AWAITING_PAYMENT):
        try:
            await services.cancel_order(None, order_id)
            done += 1
        except DomainError:
            pass  # paid or cancelled meanwhile: nothing to do
    return done


async def auto_confirm_shipped() -> int:
    """Confirm receipt of shipped orders whose confirmation deadline passed."""
    done = 0
    for order_id in await _due("auto_confirm_at", OrderStatus.SHIPPED):
        try:
            await services.confirm_receipt(None, order_id)
            done += 1
        except DomainError:
            pass
    return done
