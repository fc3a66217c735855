"""Who may see and act on an order."""

from __future__ import annotations

from community.accounts.models import Role
from community.orders.models import Order

__all__ = ["can_view_order", "is_admin"]


def is_admin(roles: set[Role]) -> bool:
    return Role.ADMIN in roles


def can_view_order(viewer_id: int | None, order: Order, viewer_roles: set[Role]) -> bool:
    """The buyer, the seller and admins see an order, its thread and its history."""
    if viewer_id is None:
        return False
    return viewer_id in (order.buyer_id, order.seller_id) or is_admin(viewer_roles)
