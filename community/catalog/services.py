"""What creators do with shops and products, and how stock is reserved for orders."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from community.accounts import services as accounts
from community.accounts.models import Role, User
from community.catalog import search
from community.catalog.errors import CatalogCode
from community.catalog.models import (
    Category,
    Product,
    ProductStatus,
    Shop,
    Variant,
    VerificationStatus,
)
from community.infra import clock, runtime
from community.infra.errors import CommonCode, DomainError
from community.ledger import services as ledger
from community.ledger.models import AccountKind, TransferKind

__all__ = [
    "MAX_IMAGES",
    "VariantSpec",
    "can_list",
    "confirm_verification",
    "create_product",
    "lock_deposit",
    "open_shop",
    "set_product_status",
    "shop_of",
    "start_verification",
    "update_product",
    "update_shop",
]

MAX_IMAGES = 9
MAX_TITLE = 120
MAX_DESCRIPTION = 5000
MAX_PRICE = 100_000_000  # ¥1,000,000.00
MAX_STOCK = 1_000_000
VERIFICATION_TRIES = 3
VERIFICATION_LOCK = timedelta(days=1)
SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


@dataclass(frozen=True)
class VariantSpec:
    sku: str
    price: int
    stock: int
    options: dict[str, str] = field(default_factory=dict)


async def shop_of(actor: User) -> Shop:
    shop = await Shop.get_or_none(owner_id=actor.id)
    if shop is None:
        raise DomainError(CatalogCode.NO_SHOP, "Open a shop first.")
    return shop


def _shop_name(name: str) -> str:
    name = " ".join(name.split())
    if not 2 <= len(name) <= 60:
        raise DomainError(CatalogCode.SHOP_NAME_INVALID, "Shop names are 2–60 characters.", "name")
    return name


async def open_shop(actor: User, *, name: str, description: str = "") -> Shop:
    """Open the actor's shop (one per person); the actor becomes a creator."""
    name = _shop_name(name)
    if len(description) > 1000:
        raise DomainError(
            CatalogCode.DESCRIPTION_TOO_LONG, "At most 1,000 characters.", "description"
        )
    try:
        shop = await Shop.create(
            owner_id=actor.id, name=name, description=description.strip(), created_at=clock.now()
        )
    except IntegrityError:
        raise DomainError(CatalogCode.SHOP_EXISTS, "You already have a shop.") from None
    await accounts.grant_role(None, actor, Role.CREATOR)
    return shop


async def update_shop(
    actor: User, *, name: str | None = None, description: str | None = None
) -> Shop:
    shop = await shop_of(actor)
    if name is not None:
        shop.name = _shop_name(name)
    if description is not None:
        if len(description) > 1000:
            raise DomainError(
                CatalogCode.DESCRIPTION_TOO_LONG, "At most 1,000 characters.", "description"
            )
        shop.description = description.strip()
    await shop.save(update_fields=["name", "description"])
    return shop


def _locked(shop: Shop) -> None:
    until = shop.verification_locked_until
    if until is not None and until > clock.now():
        raise DomainError(
            CatalogCode.VERIFICATION_LOCKED,
            f"Too many wrong amounts. Try again after {until:%Y-%m-%d %H:%M} UTC.",
            "amount",
        )


async def start_verification(actor: User) -> Shop:
    """Real-name verification: the platform sends a small random amount (0.01–0.99) to the
    owner's wallet; the owner proves they own it by confirming the amount."""
    shop = await shop_of(actor)
    if shop.verification == VerificationStatus.VERIFIED:
        raise DomainError(CatalogCode.ALREADY_VERIFIED, "This shop is already verified.")
    _locked(shop)
    if shop.verification == VerificationStatus.PENDING:
        return shop  # the deposit was sent already; sending another would only confuse
    amount = secrets.randbelow(99) + 1
    async with in_transaction():
        updated = await Shop.filter(id=shop.id, verification=VerificationStatus.UNVERIFIED).update(
            verification=VerificationStatus.PENDING, verification_amount=amount
        )
        if updated:
            await ledger.transfer(
                TransferKind.VERIFICATION,
                [
                    (AccountKind.PLATFORM_EXPENSES, None, -amount),
                    (AccountKind.WALLET, actor.id, amount),
                ],
                memo="Real-name verification micro-deposit",
            )
    return await Shop.get(id=shop.id)


async def confirm_verification(actor: User, *, amount: int) -> Shop:
    """Check the micro-deposit amount; three wrong tries lock verification for a day."""
    shop = await shop_of(actor)
    if shop.verification == VerificationStatus.VERIFIED:
        raise DomainError(CatalogCode.ALREADY_VERIFIED, "This shop is already verified.")
    if shop.verification != VerificationStatus.PENDING:
        raise DomainError(CatalogCode.VERIFICATION_NOT_STARTED, "Start verification first.")
    _locked(shop)
    if amount == shop.verification_amount:
        await Shop.filter(id=shop.id).update(
            verification=VerificationStatus.VERIFIED,
            verification_attempts=0,
            verification_locked_until=None,
            verified_at=clock.now(),
        )
        return await Shop.get(id=shop.id)
    # Count the wrong try in its own statement: it must stick although we refuse.
    await Shop.filter(id=shop.id).update(verification_attempts=F("verification_attempts") + 1)
    shop = await Shop.get(id=shop.id)
    if shop.verification_attempts >= VERIFICATION_TRIES:
        await Shop.filter(id=shop.id).update(
            verification_attempts=0, verification_locked_until=clock.now() + VERIFICATION_LOCK
        )
        raise DomainError(
            CatalogCode.VERIFICATION_LOCKED,
            "Three wrong amounts: verification is locked for a day.",
            "amount",
        )
    left = VERIFICATION_TRIES - shop.verification_attempts
    raise DomainError(
        CatalogCode.VERIFICATION_MISMATCH,
        f"That is not the amount we sent. {left} {'try' if left == 1 else 'tries'} left.",
        "amount",
    )


async def lock_deposit(actor: User, *, amount: int, idempotency_key: str | None = None) -> int:
    """Move money from the owner's wallet into the shop's security deposit; returns the
    new deposit balance."""
    shop = await shop_of(actor)
    if amount <= 0:
        raise DomainError(CatalogCode.DEPOSIT_TOO_LOW, "Lock a positive amount.", "amount")

    async def run() -> int:
        return await ledger.transfer(
            TransferKind.DEPOSIT_LOCK,
            [(AccountKind.WALLET, actor.id, -amount), (AccountKind.DEPOSIT, actor.id, amount)],
            memo=f"Security deposit for shop {shop.id}",
        )

    await ledger.idempotent(actor.id, "lock_deposit", idempotency_key, {"amount": amount}, run)
    return await ledger.balance(AccountKind.DEPOSIT, actor.id)


async def can_list(shop: Shop) -> tuple[bool, str]:
    """Whether the shop may list products, and why not."""
    if shop.verification != VerificationStatus.VERIFIED:
        return False, "Verify your shop before listing products."
    required = runtime.get().settings.shop_deposit_required
    deposit = await ledger.balance(AccountKind.DEPOSIT, shop.owner_id)
    if deposit < required:
        return (
            False,
            f"Your security deposit is {deposit / 100:.2f}; {required / 100:.2f} is required.",
        )
    return True, ""


async def _require_listing(shop: Shop) -> None:
    ok, why = await can_list(shop)
    if not ok:
        code = (
            CatalogCode.SHOP_NOT_VERIFIED
            if shop.verification != VerificationStatus.VERIFIED
            else CatalogCode.DEPOSIT_TOO_LOW
        )
        raise DomainError(code, why)


def _check_texts(title: str | None, description: str | None) -> None:
    if title is not None and not 2 <= len(" ".join(title.split())) <= MAX_TITLE:
        raise DomainError(CatalogCode.TITLE_INVALID, "Titles are 2–120 characters.", "title")
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise DomainError(
            CatalogCode.DESCRIPTION_TOO_LONG, "At most 5,000 characters.", "description"
        )


def _check_images(image_urls: Sequence[str]) -> list[str]:
    urls = [u.strip() for u in image_urls if u.strip()]
    if len(urls) > MAX_IMAGES:
        raise DomainError(CatalogCode.TOO_MANY_IMAGES, f"At most {MAX_IMAGES} images.", "imageUrls")
    if any(len(u) > 500 or not URL_RE.match(u) for u in urls):
        raise DomainError(CommonCode.INVALID_INPUT, "Images need http(s) addresses.", "imageUrls")
    return urls


async def _category(category_id: int) -> Category:
    category = await Category.get_or_none(id=category_id)
    if category is None:
        raise DomainError(CatalogCode.CATEGORY_UNKNOWN, "Pick a category.", "categoryId")
    return category


def _check_variants(specs: Sequence[VariantSpec]) -> None:
    if not specs or len(specs) > 100:
        raise DomainError(CatalogCode.VARIANTS_INVALID, "A product has 1–100 variants.", "variants")
    skus = [s.sku for s in specs]
    if len(set(skus)) != len(skus):
        raise DomainError(CatalogCode.SKU_TAKEN, "Each variant needs its own SKU.", "variants")
    combos = [tuple(sorted(s.options.items())) for s in specs]
    if len(set(combos)) != len(combos):
        raise DomainError(
            CatalogCode.VARIANTS_INVALID, "Two variants have the same options.", "variants"
        )
    for spec in specs:
        if not SKU_RE.match(spec.sku):
            raise DomainError(
                CatalogCode.VARIANTS_INVALID,
                "SKUs are letters, digits, '.', '_' or '-' (at most 64).",
                "variants",
            )
        if not 1 <= spec.price <= MAX_PRICE:
            raise DomainError(
                CatalogCode.PRICE_INVALID, "Prices are 0.01–1,000,000.00.", "variants"
            )
        if not 0 <= spec.stock <= MAX_STOCK:
            raise DomainError(CatalogCode.STOCK_INVALID, "Stock is 0–1,000,000.", "variants")
        if any(
            not k.strip() or not v.strip() or len(k) > 30 or len(v) > 60
            for k, v in spec.options.items()
        ):
            raise DomainError(
                CatalogCode.VARIANTS_INVALID, "Option names and values can't be empty.", "variants"
            )


async def _write_variants(product: Product, specs: Sequence[VariantSpec]) -> None:
    """Upsert variants by SKU; variants left out are deactivated (orders still point at them)."""
    existing = {v.sku: v for v in await Variant.filter(product_id=product.id)}
    taken = (
        await Variant.filter(sku__in=[s.sku for s in specs]).exclude(product_id=product.id).exists()
    )
    if taken:
        raise DomainError(CatalogCode.SKU_TAKEN, "Another product uses that SKU.", "variants")
    for position, spec in enumerate(specs):
        if spec.sku in existing:
            await Variant.filter(id=existing[spec.sku].id).update(
                price=spec.price,
                stock=spec.stock,
                options=spec.options,
                is_active=True,
                position=position,
            )
        else:
            await Variant.create(
                product=product,
                sku=spec.sku,
                price=spec.price,
                stock=spec.stock,
                options=spec.options,
                position=position,
            )
    gone = [v.id for sku, v in existing.items() if sku not in {s.sku for s in specs}]
    if gone:
        await Variant.filter(id__in=gone).update(is_active=False)
    product.price_from = min(s.price for s in specs)
    await Product.filter(id=product.id).update(price_from=product.price_from)


async def create_product(
    actor: User,
    *,
    title: str,
    category_id: int,
    variants: Sequence[VariantSpec],
    description: str = "",
    image_urls: Sequence[str] = (),
    status: ProductStatus = ProductStatus.DRAFT,
) -> Product:
    """List a product with its variants (each with its own SKU, price and stock)."""
    shop = await shop_of(actor)
    await _require_listing(shop)
    _check_texts(title, description)
    urls = _check_images(image_urls)
    category = await _category(category_id)
    _check_variants(variants)
    now = clock.now()
    try:
        async with in_transaction():
            product = await Product.create(
                shop=shop,
                title=" ".join(title.split()),
                description=description.strip(),
                image_urls=urls,
                category=category,
                status=status,
                created_at=now,
                updated_at=now,
            )
            await _write_variants(product, variants)
    except IntegrityError:
        raise DomainError(
            CatalogCode.SKU_TAKEN, "Another product uses that SKU.", "variants"
        ) from None
    await search.product_changed(product.id)
    return product


async def _own_product(actor: User, product_id: int) -> Product:
    product = await Product.get_or_none(id=product_id).select_related("shop")
    if product is None or product.shop.owner_id != actor.id:
        raise DomainError(CatalogCode.PRODUCT_NOT_FOUND, "No such product in your shop.")
    return product


async def update_product(
    actor: User,
    product_id: int,
    *,
    title: str | None = None,
    description: str | None = None,
    image_urls: Sequence[str] | None = None,
    category_id: int | None = None,
    variants: Sequence[VariantSpec] | None = None,
) -> Product:
    """Edit a product; sent variants replace the list (matched by SKU)."""
    product = await _own_product(actor, product_id)
    _check_texts(title, description)
    if title is not None:
        product.title = " ".join(title.split())
    if description is not None:
        product.description = description.strip()
    if image_urls is not None:
        product.image_urls = _check_images(image_urls)
    if category_id is not None:
        product.category = await _category(category_id)
    if variants is not None:
        _check_variants(variants)
    product.updated_at = clock.now()
    try:
        async with in_transaction():
            await product.save()
            if variants is not None:
                await _write_variants(product, variants)
    except IntegrityError:
        raise DomainError(
            CatalogCode.SKU_TAKEN, "Another product uses that SKU.", "variants"
        ) from None
    await search.product_changed(product.id)
    return product


async def set_product_status(actor: User, product_id: int, status: ProductStatus) -> Product:
    """Publish, unpublish (draft) or delist a product. Publishing needs a shop that may list."""
    product = await _own_product(actor, product_id)
    if status == ProductStatus.ACTIVE and product.status != ProductStatus.ACTIVE:
        await _require_listing(product.shop)
    product.status = status
    product.updated_at = clock.now()
    await product.save(update_fields=["status", "updated_at"])
    await search.product_changed(product.id)
    return product
