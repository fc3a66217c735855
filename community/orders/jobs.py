"""Order deadlines, swept by the job worker (safe to run twice: each order moves once)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from community.infra import clock, sql
from community.infra.errors import DomainError
from community.orders import services
from community.orders.models import OrderStatus, SweepMark

__all__ = ["auto_cancel_unpaid", "auto_confirm_shipped"]

BATCH = 200
# How far back of the previous run's clock a sweep reads again: covers clocks of several
# processes that disagree a little, and checkouts or shipments in flight during that run.
MARGIN = timedelta(minutes=1)


async def _sweep(
    deadline: str, status: OrderStatus, act: Callable[[int], Awaitable[object]]
) -> int:
    """Act on the orders in ``status`` whose ``deadline`` column has passed.

    A deadline stays on the order once set (see ``Order.Meta``), so its index holds every
    order ever placed; a sweep reads only the deadlines after its mark. That skips nothing:
    a deadline is never earlier than the clock of the step that set it, and an extension
    only pushes it later, so what becomes due after a run has its deadline after that run's
    clock, less ``MARGIN``. The mark moves only when a run has handled everything due."""
    now = clock.now()
    mark = await SweepMark.get_or_none(name=deadline)
    # The status is written into the statement, not bound: it is a constant of the sweep.
    rows = await sql.fetch(
        f"SELECT id FROM orders_order WHERE {deadline} > $1 AND {deadline} <= $2 "
        f"AND status = '{status.value}' ORDER BY {deadline} LIMIT {BATCH}",
        mark.upto if mark else datetime.min.replace(tzinfo=now.tzinfo),
        now,
    )
    done = 0
    for row in rows:
        try:
            await act(int(row["id"]))
            done += 1
        except DomainError:
            pass  # moved on meanwhile (paid, cancelled, refund requested): nothing to do
    if len(rows) < BATCH:
        await SweepMark.update_or_create({"upto": now - MARGIN}, name=deadline)
    return done


async def auto_cancel_unpaid() -> int:
    """Cancel orders not paid by their deadline and put their stock back."""
    return await _sweep(
        "pay_by",
        OrderStatus.AWAITING_PAYMENT,
        lambda order_id: services.cancel_order(None, order_id),
    )


async def auto_confirm_shipped() -> int:
    """Confirm receipt of shipped orders whose confirmation deadline passed."""
    return await _sweep(
        "auto_confirm_at",
        OrderStatus.SHIPPED,
        lambda order_id: services.confirm_receipt(None, order_id),
    )
