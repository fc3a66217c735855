"""The address book and the cart."""

from __future__ import annotations

import re

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from community.accounts.models import User
from community.catalog.models import Product, ProductStatus, Variant
from community.infra import clock, sql
from community.infra.errors import DomainError
from community.orders.errors import OrderCode
from community.orders.models import Address, CartItem

__all__ = [
    "MAX_QUANTITY",
    "add_address",
    "add_to_cart",
    "delete_address",
    "remove_from_cart",
    "set_cart_quantity",
    "shipping_snapshot",
]

MAX_QUANTITY = 99
MAX_CART_LINES = 100
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,28}$")


def _need(value: str, field: str, label: str, limit: int) -> str:
    value = " ".join(value.split())
    if not value or len(value) > limit:
        raise DomainError(
            OrderCode.ADDRESS_INVALID, f"{label} is required (at most {limit}).", field
        )
    return value


async def add_address(
    actor: User,
    *,
    recipient: str,
    phone: str,
    line1: str,
    city: str,
    line2: str = "",
    region: str = "",
    postcode: str = "",
    country: str = "CN",
    make_default: bool = False,
) -> Address:
    """Save a shipping address; the first one becomes the default."""
    phone = phone.strip()
    if not PHONE_RE.match(phone):
        raise DomainError(OrderCode.ADDRESS_INVALID, "Enter a phone number.", "phone")
    if not re.match(r"^[A-Za-z]{2}$", country.strip()):
        raise DomainError(OrderCode.ADDRESS_INVALID, "Use a two-letter country code.", "country")
    fields = {
        "recipient": _need(recipient, "recipient", "Recipient", 60),
        "line1": _need(line1, "line1", "Street address", 200),
        "city": _need(city, "city", "City", 80),
        "line2": " ".join(line2.split())[:200],
        "region": " ".join(region.split())[:80],
        "postcode": postcode.strip()[:20],
    }
    async with in_transaction():
        first = not await Address.filter(user_id=actor.id, deleted=False).exists()
        if make_default and not first:
            await Address.filter(user_id=actor.id).update(is_default=False)
        return await Address.create(
            user_id=actor.id,
            phone=phone,
            country=country.strip().upper(),
            is_default=first or make_default,
            created_at=clock.now(),
            **fields,
        )


async def delete_address(actor: User, address_id: int) -> None:
    """Remove an address from the book (orders keep their own copy)."""
    if not await Address.filter(id=address_id, user_id=actor.id, deleted=False).update(
        deleted=True, is_default=False
    ):
        raise DomainError(OrderCode.ADDRESS_NOT_FOUND, "No such address.", "addressId")


SNAPSHOT = ("recipient", "phone", "line1", "line2", "city", "region", "postcode", "country")
_SNAPSHOT_SQL = (
    f"SELECT {', '.join(SNAPSHOT)} FROM orders_address "
    "WHERE id = $1 AND user_id = $2 AND NOT deleted"
)


async def shipping_snapshot(actor: User, address_id: int) -> dict[str, str]:
    """The actor's address as an order copies it (one hand-written read: checkout is hot)."""
    row = await sql.fetchrow(_SNAPSHOT_SQL, address_id, actor.id)
    if row is None:
        raise DomainError(OrderCode.ADDRESS_NOT_FOUND, "Pick one of your addresses.", "addressId")
    return dict(row)


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(
            OrderCode.QUANTITY_INVALID, f"Quantities are 1–{MAX_QUANTITY}.", "quantity"
        )


async def _buyable(actor: User, variant_id: int) -> Variant:
    variant = await Variant.get_or_none(id=variant_id, is_active=True)
    product = (
        await Product.get_or_none(id=variant.product_id).select_related("shop")  # type: ignore[attr-defined]
        if variant
        else None
    )
    if variant is None or product is None or product.status != ProductStatus.ACTIVE:
        raise DomainError(OrderCode.PRODUCT_UNAVAILABLE, "This item is not for sale.", "variantId")
    if product.shop.owner_id == actor.id:
        raise DomainError(OrderCode.OWN_PRODUCT, "You can't buy from your own shop.", "variantId")
    return variant


async def add_to_cart(actor: User, *, variant_id: int, quantity: int = 1) -> CartItem:
    """Put an item in the cart (adding to the quantity already there)."""
    _check_quantity(quantity)
    await _buyable(actor, variant_id)
    item = await CartItem.get_or_none(user_id=actor.id, variant_id=variant_id)
    if item is not None:
        _check_quantity(item.quantity + quantity)
        await CartItem.filter(id=item.id).update(quantity=F("quantity") + quantity)
        await item.refresh_from_db()
        return item
    if await CartItem.filter(user_id=actor.id).count() >= MAX_CART_LINES:
        raise DomainError(OrderCode.QUANTITY_INVALID, "Your cart is full.", "variantId")
    return await CartItem.create(
        user_id=actor.id, variant_id=variant_id, quantity=quantity, added_at=clock.now()
    )


async def set_cart_quantity(actor: User, *, variant_id: int, quantity: int) -> CartItem | None:
    """Change a cart line's quantity; 0 removes it."""
    if quantity == 0:
        await remove_from_cart(actor, variant_id=variant_id)
        return None
    _check_quantity(quantity)
    if not await CartItem.filter(user_id=actor.id, variant_id=variant_id).update(quantity=quantity):
        return await add_to_cart(actor, variant_id=variant_id, quantity=quantity)
    return await CartItem.get(user_id=actor.id, variant_id=variant_id)


async def remove_from_cart(actor: User, *, variant_id: int) -> None:
    await CartItem.filter(user_id=actor.id, variant_id=variant_id).delete()
