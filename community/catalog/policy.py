"""Who may see and change what in the catalog."""

from __future__ import annotations

from community.accounts.models import Role, User
from community.catalog.models import Product, ProductStatus, Shop

__all__ = ["can_edit_shop", "can_view_product"]


def can_edit_shop(viewer: User | None, shop: Shop) -> bool:
    return viewer is not None and viewer.id == shop.owner_id


def can_view_product(
    viewer: User | None, product: Product, shop_owner_id: int, viewer_roles: set[Role]
) -> bool:
    """Active products are public; drafts and delisted ones only to the shop and admins."""
    if product.status == ProductStatus.ACTIVE:
        return True
    return viewer is not None and (viewer.id == shop_owner_id or Role.ADMIN in viewer_roles)
