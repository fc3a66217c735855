"""Catalog types as clients see them."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay

from community.api.accounts.types import User
from community.api.money import Money, money
from community.api.relay import Node
from community.catalog import policy
from community.catalog.models import Category as CategoryModel
from community.catalog.models import Product as ProductModel
from community.catalog.models import ProductStatus as ProductStatusModel
from community.catalog.models import Shop as ShopModel
from community.catalog.models import Variant as VariantModel
from community.catalog.models import VerificationStatus as VerificationStatusModel
from community.infra import runtime

__all__ = [
    "Category",
    "Product",
    "ProductConnection",
    "ProductStatus",
    "Shop",
    "Variant",
    "VariantOption",
    "VerificationStatus",
    "option_list",
    "visible_product",
]

ProductStatus = graphene.Enum.from_enum(ProductStatusModel)
VerificationStatus = graphene.Enum.from_enum(VerificationStatusModel)


class Category(graphene.ObjectType):
    class Meta:
        interfaces = (Node,)

    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    parent = graphene.Field(lambda: Category)
    children = graphene.List(graphene.NonNull(lambda: Category), required=True)

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, CategoryModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> CategoryModel | None:
        return await info.context.loaders.category_by_id.load(pk)  # type: ignore[no-any-return]

    @staticmethod
    async def resolve_parent(category: CategoryModel, info: Any) -> CategoryModel | None:
        pid = category.parent_id  # type: ignore[attr-defined]
        return await info.context.loaders.category_by_id.load(pid) if pid else None

    @staticmethod
    async def resolve_children(category: CategoryModel, info: Any) -> list[CategoryModel]:
        return await info.context.loaders.categories_by_parent_id.load(category.id)  # type: ignore[no-any-return]


class Shop(graphene.ObjectType):
    """A creator's shop. Anyone sees it; the owner also sees what blocks listing."""

    class Meta:
        interfaces = (Node,)

    name = graphene.String(required=True)
    description = graphene.String(required=True)
    owner = graphene.Field(User, required=True)
    verification = graphene.Field(VerificationStatus, required=True)
    deposit = graphene.Field(Money, description="Security deposit (owner and admins only).")
    deposit_required = graphene.Field(Money, required=True)
    can_list = graphene.Boolean(
        description="Whether the shop may list products (owner only, else null)."
    )
    verification_locked_until = graphene.DateTime(description="Owner only.")
    products = graphene.ConnectionField(
        lambda: ProductConnection,
        required=True,
        include_unlisted=graphene.Boolean(
            default_value=False, description="Drafts and delisted too (your own shop only)."
        ),
    )
    opened_at = graphene.DateTime(required=True)
    credit = graphene.Field(
        "community.api.ratings.types.Credit",
        required=True,
        description="The owner's seller credit.",
    )
    rating_summary = graphene.Field("community.api.ratings.types.ShopRatingSummary", required=True)
    ratings = graphene.ConnectionField(
        "community.api.ratings.types.RatingConnection",
        required=True,
        description="Buyers' revealed ratings, newest first.",
    )

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, ShopModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> ShopModel | None:
        return await info.context.loaders.shop_by_id.load(pk)  # type: ignore[no-any-return]

    @staticmethod
    def resolve_owner(shop: ShopModel, info: Any) -> Any:
        return info.context.loaders.user_by_id.get(shop.owner_id)

    @staticmethod
    async def _owner_or_admin(shop: ShopModel, info: Any) -> bool:
        viewer = info.context.viewer
        if viewer is None:
            return False
        if policy.can_edit_shop(viewer, shop):
            return True
        return "ADMIN" in await info.context.loaders.roles_by_user_id.load(viewer.id)

    @staticmethod
    async def resolve_deposit(shop: ShopModel, info: Any) -> Any:
        if not await Shop._owner_or_admin(shop, info):
            return None
        return money(await info.context.loaders.deposit_by_owner_id.load(shop.owner_id))

    @staticmethod
    def resolve_deposit_required(shop: ShopModel, info: Any) -> Any:
        return money(runtime.get().settings.shop_deposit_required)

    @staticmethod
    async def resolve_can_list(shop: ShopModel, info: Any) -> bool | None:
        if not policy.can_edit_shop(info.context.viewer, shop):
            return None
        deposit = await info.context.loaders.deposit_by_owner_id.load(shop.owner_id)
        return bool(
            shop.verification == VerificationStatusModel.VERIFIED
            and deposit >= runtime.get().settings.shop_deposit_required
        )

    @staticmethod
    def resolve_verification_locked_until(shop: ShopModel, info: Any) -> Any:
        return (
            shop.verification_locked_until
            if policy.can_edit_shop(info.context.viewer, shop)
            else None
        )

    @staticmethod
    async def resolve_products(shop: ShopModel, info: Any, **args: Any) -> Any:
        from community.api.catalog.schema import products_page

        return await products_page(info, shop_id=shop.id, **args)

    @staticmethod
    def resolve_opened_at(shop: ShopModel, info: Any) -> Any:
        return shop.created_at

    @staticmethod
    async def resolve_credit(shop: ShopModel, info: Any) -> Any:
        from community.api.ratings.types import credit_for
        from community.ratings.models import CreditRole

        return await credit_for(info, shop.owner_id, CreditRole.SELLER)

    @staticmethod
    async def resolve_rating_summary(shop: ShopModel, info: Any) -> Any:
        from community.ratings.summary import shop_summary

        return await shop_summary(shop.id)

    @staticmethod
    async def resolve_ratings(shop: ShopModel, info: Any, **args: Any) -> Any:
        from community.api.ratings.types import RatingConnection
        from community.api.relay import connection, page
        from community.ratings.models import Rating, Side

        rows = Rating.filter(shop_id=shop.id, side=Side.BUYER, revealed_at__not_isnull=True)
        items, more = await page(rows, first=args.get("first"), after=args.get("after"))
        return connection(RatingConnection, items, more)


class VariantOption(graphene.ObjectType):
    """One option of a variant, e.g. name "size", value "M"."""

    name = graphene.String(required=True)
    value = graphene.String(required=True)


def option_list(options: dict[str, str]) -> list[VariantOption]:
    return [VariantOption(name=k, value=v) for k, v in options.items()]


class Variant(graphene.ObjectType):
    class Meta:
        interfaces = (Node,)

    sku = graphene.String(required=True)
    options = graphene.List(graphene.NonNull(VariantOption), required=True)
    label = graphene.String(required=True, description='Options for display: "M / Indigo".')
    price = graphene.Field(Money, required=True)
    stock = graphene.Int(required=True)
    in_stock = graphene.Boolean(required=True)
    is_active = graphene.Boolean(required=True)
    product = graphene.Field(lambda: Product)

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, VariantModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> VariantModel | None:
        variant = await info.context.loaders.variant_by_id.load(pk)
        if variant is None or await visible_product(info, variant.product_id) is None:
            return None
        return variant  # type: ignore[no-any-return]

    @staticmethod
    def resolve_options(variant: VariantModel, info: Any) -> list[VariantOption]:
        return option_list(variant.options)

    @staticmethod
    def resolve_label(variant: VariantModel, info: Any) -> str:
        return " / ".join(variant.options.values()) or "Standard"

    @staticmethod
    def resolve_price(variant: VariantModel, info: Any) -> Any:
        return money(variant.price)

    @staticmethod
    def resolve_in_stock(variant: VariantModel, info: Any) -> bool:
        return variant.stock > 0

    @staticmethod
    async def resolve_product(variant: VariantModel, info: Any) -> Any:
        return await visible_product(info, variant.product_id)  # type: ignore[attr-defined]


async def visible_product(info: Any, product_id: int) -> ProductModel | None:
    """The product if the viewer may see it (the one rule for every read path)."""
    loaders = info.context.loaders
    product = await loaders.product_by_id.load(product_id)
    if product is None:
        return None
    if product.status == ProductStatusModel.ACTIVE:
        return product  # type: ignore[no-any-return]
    viewer = info.context.viewer
    shop = await loaders.shop_by_id.load(product.shop_id)
    roles = await loaders.roles_by_user_id.load(viewer.id) if viewer else set()
    ok = policy.can_view_product(viewer, product, shop.owner_id, roles)
    return product if ok else None


class Product(graphene.ObjectType):
    class Meta:
        interfaces = (Node,)

    title = graphene.String(required=True)
    description = graphene.String(required=True)
    image_urls = graphene.List(graphene.NonNull(graphene.String), required=True)
    status = graphene.Field(ProductStatus, required=True)
    shop = graphene.Field(Shop, required=True)
    category = graphene.Field(Category, required=True)
    price_from = graphene.Field(Money, required=True, description="The cheapest variant's price.")
    variants = graphene.List(
        graphene.NonNull(Variant), required=True, description="Active variants, in shop order."
    )
    in_stock = graphene.Boolean(required=True)
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, ProductModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> ProductModel | None:
        return await visible_product(info, pk)

    @staticmethod
    def resolve_shop(product: ProductModel, info: Any) -> Any:
        return info.context.loaders.shop_by_id.get(product.shop_id)  # type: ignore[attr-defined]

    @staticmethod
    async def resolve_category(product: ProductModel, info: Any) -> Any:
        return await info.context.loaders.category_by_id.load(product.category_id)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_price_from(product: ProductModel, info: Any) -> Any:
        return money(product.price_from)

    @staticmethod
    async def resolve_variants(product: ProductModel, info: Any) -> list[VariantModel]:
        variants = await info.context.loaders.variants_by_product_id.load(product.id)
        return [v for v in variants if v.is_active]

    @staticmethod
    async def resolve_in_stock(product: ProductModel, info: Any) -> bool:
        variants = await info.context.loaders.variants_by_product_id.load(product.id)
        return any(v.is_active and v.stock > 0 for v in variants)


class ProductConnection(relay.Connection):
    class Meta:
        node = Product
