"""Catalog queries (categories, shops, products) and the creator's mutations."""

from __future__ import annotations

from typing import Any

import graphene

from community.api.catalog.types import (
    Category,
    Product,
    ProductConnection,
    ProductStatus,
    Shop,
)
from community.api.errors import Mutation
from community.api.relay import MAX_PAGE, connection, decode_id, page
from community.catalog import search as catalog_search
from community.catalog import services as catalog
from community.catalog.models import Category as CategoryModel
from community.catalog.models import Product as ProductModel
from community.catalog.models import ProductStatus as ProductStatusModel
from community.catalog.models import Shop as ShopModel
from community.infra.errors import CommonCode, DomainError

__all__ = ["CatalogMutations", "CatalogQueries", "products_page"]


async def products_page(
    info: Any,
    *,
    first: int | None = None,
    after: str | None = None,
    shop_id: int | None = None,
    category_id: str | None = None,
    include_unlisted: bool = False,
    search: str | None = None,
    **_: Any,
) -> Any:
    """Products newest first (best match first when searching). Drafts and delisted ones
    only for their own shop."""
    if search and search.strip():
        return await _search_page(search, first)
    rows = ProductModel.all()
    if shop_id is not None:
        rows = rows.filter(shop_id=shop_id)
    own = False
    if shop_id is not None and info.context.viewer is not None:
        shop = await info.context.loaders.shop_by_id.load(shop_id)
        own = shop is not None and shop.owner_id == info.context.viewer.id
    if not (own and include_unlisted):
        rows = rows.filter(status=ProductStatusModel.ACTIVE)
    if category_id:
        pk = decode_id(category_id, "Category", "categoryId")
        child_ids = await CategoryModel.filter(parent_id=pk).values_list("id", flat=True)
        rows = rows.filter(category_id__in=[pk, *child_ids])
    items, has_next = await page(rows, first=first, after=after)
    return connection(ProductConnection, items, has_next)


async def _search_page(text: str, first: int | None) -> Any:
    """One page of search results (best first; the index answers at most 100)."""
    size = min(first or 20, MAX_PAGE)
    ids = await catalog_search.search_products(text, limit=size + 1)
    found = {
        p.id: p for p in await ProductModel.filter(id__in=ids, status=ProductStatusModel.ACTIVE)
    }
    items = [found[i] for i in ids if i in found]
    return connection(ProductConnection, items[:size], len(items) > size)


class CatalogQueries(graphene.ObjectType):
    categories = graphene.List(
        graphene.NonNull(Category), required=True, description="Top-level categories."
    )
    shop = graphene.Field(Shop, id=graphene.ID(), owner=graphene.String())
    my_shop = graphene.Field(Shop, description="The logged-in creator's shop, or null.")
    product = graphene.Field(Product, id=graphene.ID(required=True))
    products = graphene.ConnectionField(
        ProductConnection,
        required=True,
        category_id=graphene.ID(),
        shop_id=graphene.ID(),
        include_unlisted=graphene.Boolean(
            default_value=False, description="Your own shop's drafts and delisted products too."
        ),
        search=graphene.String(description="Words to look for (English or Chinese)."),
    )

    @staticmethod
    async def resolve_categories(root: Any, info: Any) -> list[CategoryModel]:
        return list(await CategoryModel.filter(parent_id=None).order_by("position"))

    @staticmethod
    async def resolve_shop(
        root: Any, info: Any, id: str | None = None, owner: str | None = None
    ) -> ShopModel | None:
        if id:
            return await info.context.loaders.shop_by_id.load(decode_id(id, "Shop"))  # type: ignore[no-any-return]
        if owner:
            from community.accounts.models import User

            user = await User.get_or_none(username_key=owner.lower())
            return await ShopModel.get_or_none(owner_id=user.id) if user else None
        return None

    @staticmethod
    async def resolve_my_shop(root: Any, info: Any) -> ShopModel | None:
        viewer = info.context.viewer
        return await info.context.loaders.shop_by_owner_id.load(viewer.id) if viewer else None

    @staticmethod
    async def resolve_product(root: Any, info: Any, id: str) -> ProductModel | None:
        return await Product.get_node(info, decode_id(id, "Product"))

    @staticmethod
    async def resolve_products(
        root: Any, info: Any, shop_id: str | None = None, **args: Any
    ) -> Any:
        pk = decode_id(shop_id, "Shop", "shopId") if shop_id else None
        return await products_page(info, shop_id=pk, **args)


class OpenShopInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    description = graphene.String()


class OpenShop(Mutation):
    """Open your shop; you become a creator. Verify it and lock the deposit to list."""

    class Arguments:
        input = OpenShopInput(required=True)

    shop = graphene.Field(Shop)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> OpenShop:
        actor = info.context.require_user()
        shop = await catalog.open_shop(actor, name=input.name, description=input.description or "")
        return cls(shop=shop)


class UpdateShopInput(graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String()


class UpdateShop(Mutation):
    class Arguments:
        input = UpdateShopInput(required=True)

    shop = graphene.Field(Shop)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> UpdateShop:
        shop = await catalog.update_shop(info.context.require_user(), **dict(input))
        return cls(shop=shop)


class StartShopVerification(Mutation):
    """Real-name verification: a small random amount is sent to your wallet."""

    shop = graphene.Field(Shop)

    @classmethod
    async def perform(cls, info: Any) -> StartShopVerification:
        return cls(shop=await catalog.start_verification(info.context.require_user()))


class ConfirmShopVerificationInput(graphene.InputObjectType):
    amount = graphene.Int(required=True, description="The amount received, in fen (e.g. 37).")


class ConfirmShopVerification(Mutation):
    """Confirm the micro-deposit amount; three wrong tries lock verification for a day."""

    class Arguments:
        input = ConfirmShopVerificationInput(required=True)

    shop = graphene.Field(Shop)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> ConfirmShopVerification:
        actor = info.context.require_user()
        return cls(shop=await catalog.confirm_verification(actor, amount=input.amount))


class LockDepositInput(graphene.InputObjectType):
    amount = graphene.Int(required=True, description="Minor units moved from your wallet.")
    idempotency_key = graphene.String()


class LockDeposit(Mutation):
    """Move money from your wallet into your shop's security deposit."""

    class Arguments:
        input = LockDepositInput(required=True)

    shop = graphene.Field(Shop)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> LockDeposit:
        actor = info.context.require_user()
        await catalog.lock_deposit(
            actor, amount=input.amount, idempotency_key=input.idempotency_key
        )
        return cls(shop=await catalog.shop_of(actor))


class VariantOptionInput(graphene.InputObjectType):
    name = graphene.String(required=True, description='e.g. "size"')
    value = graphene.String(required=True, description='e.g. "M"')


class VariantInput(graphene.InputObjectType):
    sku = graphene.String(required=True)
    price = graphene.Int(required=True, description="Minor units.")
    stock = graphene.Int(required=True)
    options = graphene.List(graphene.NonNull(VariantOptionInput))


def _specs(variants: list[Any]) -> list[catalog.VariantSpec]:
    specs = []
    for v in variants:
        options = {o.name.strip(): o.value.strip() for o in v.options or []}
        if len(options) != len(v.options or []):
            raise DomainError(
                CommonCode.INVALID_INPUT, "Each option name appears once.", "variants"
            )
        specs.append(
            catalog.VariantSpec(sku=v.sku.strip(), price=v.price, stock=v.stock, options=options)
        )
    return specs


class CreateProductInput(graphene.InputObjectType):
    title = graphene.String(required=True)
    description = graphene.String()
    image_urls = graphene.List(graphene.NonNull(graphene.String))
    category_id = graphene.ID(required=True)
    variants = graphene.List(graphene.NonNull(VariantInput), required=True)
    status = graphene.Field(ProductStatus, description="DRAFT (default) or ACTIVE.")


class CreateProduct(Mutation):
    class Arguments:
        input = CreateProductInput(required=True)

    product = graphene.Field(Product)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> CreateProduct:
        product = await catalog.create_product(
            info.context.require_user(),
            title=input.title,
            description=input.description or "",
            image_urls=input.image_urls or [],
            category_id=decode_id(input.category_id, "Category", "categoryId"),
            variants=_specs(input.variants),
            status=ProductStatusModel(input.status or "DRAFT"),
        )
        return cls(product=product)


class UpdateProductInput(graphene.InputObjectType):
    id = graphene.ID(required=True)
    title = graphene.String()
    description = graphene.String()
    image_urls = graphene.List(graphene.NonNull(graphene.String))
    category_id = graphene.ID()
    variants = graphene.List(
        graphene.NonNull(VariantInput), description="Replaces the variants (matched by SKU)."
    )


class UpdateProduct(Mutation):
    class Arguments:
        input = UpdateProductInput(required=True)

    product = graphene.Field(Product)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> UpdateProduct:
        product = await catalog.update_product(
            info.context.require_user(),
            decode_id(input.id, "Product", "id"),
            title=input.title,
            description=input.description,
            image_urls=input.image_urls,
            category_id=decode_id(input.category_id, "Category", "categoryId")
            if input.category_id
            else None,
            variants=_specs(input.variants) if input.variants is not None else None,
        )
        return cls(product=product)


class SetProductStatusInput(graphene.InputObjectType):
    id = graphene.ID(required=True)
    status = graphene.Field(ProductStatus, required=True)


class SetProductStatus(Mutation):
    """Publish (ACTIVE), unpublish (DRAFT) or delist a product."""

    class Arguments:
        input = SetProductStatusInput(required=True)

    product = graphene.Field(Product)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> SetProductStatus:
        product = await catalog.set_product_status(
            info.context.require_user(),
            decode_id(input.id, "Product", "id"),
            ProductStatusModel(input.status),
        )
        return cls(product=product)


class CatalogMutations(graphene.ObjectType):
    open_shop = OpenShop.Field()
    update_shop = UpdateShop.Field()
    start_shop_verification = StartShopVerification.Field()
    confirm_shop_verification = ConfirmShopVerification.Field()
    lock_deposit = LockDeposit.Field()
    create_product = CreateProduct.Field()
    update_product = UpdateProduct.Field()
    set_product_status = SetProductStatus.Field()
