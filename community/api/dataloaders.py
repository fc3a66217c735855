"""Per-request dataloaders: they batch fetches by key and do nothing else.

One set is built per request by :class:`Loaders` (each loader on first use), so no cache
outlives a request. ``<Target>By<Key>`` names say what a loader returns for which key.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from aiodataloader import DataLoader
from tortoise.models import Model

from community.accounts import services as accounts
from community.accounts.models import Role, User
from community.catalog.models import Category, Product, Shop, Variant
from community.infra import sql
from community.ledger import services as ledger
from community.ledger.models import AccountKind
from community.orders.models import (
    Dispute,
    Order,
    OrderEvent,
    OrderLine,
    OrderMessage,
    RefundRequest,
)
from community.ratings.models import Credit, Rating, StoreRating
from community.social.models import Comment, Like, Post

__all__ = ["Loaders", "ManyByKeyLoader", "ModelByKeyLoader", "RolesByUserIdLoader"]


def _select(model: type[Model], key: str, keys: list[Any], order: str = "") -> str:
    meta = model._meta
    column = meta.fields_db_projection[key]
    tail = f' ORDER BY "{meta.fields_db_projection[order]}"' if order else ""
    return (
        f'SELECT * FROM "{meta.db_table}" WHERE "{column}" IN ({sql.placeholders(keys)}){tail}'
    )


class ModelByKeyLoader(DataLoader[Any, Any]):
    """One row per key (``None`` when missing): e.g. products by id, shops by owner id."""

    def __init__(self, model: type[Model], key: str = "id") -> None:
        super().__init__()
        self.model, self.key = model, key

    async def batch_load_fn(self, keys: list[Any]) -> list[Any]:
        rows = await sql.fetch(_select(self.model, self.key, keys), *keys)
        found = {getattr(m, self.key): m for m in (sql.to_model(self.model, r) for r in rows)}
        return [found.get(key) for key in keys]


class ManyByKeyLoader(DataLoader[Any, list[Any]]):
    """All rows per key, in ``order`` (e.g. the lines of each order)."""

    def __init__(self, model: type[Model], key: str, order: str = "id") -> None:
        super().__init__()
        self.model, self.key, self.order = model, key, order

    async def batch_load_fn(self, keys: list[Any]) -> list[list[Any]]:
        found: dict[Any, list[Any]] = {key: [] for key in keys}
        for row in await sql.fetch(_select(self.model, self.key, keys, self.order), *keys):
            model = sql.to_model(self.model, row)
            found[getattr(model, self.key)].append(model)
        return [found[key] for key in keys]


class RolesByUserIdLoader(DataLoader[int, set[Role]]):
    async def batch_load_fn(self, keys: list[int]) -> list[set[Role]]:
        found = await accounts.roles_of(list(keys))
        return [found[key] for key in keys]


class BalanceByOwnerIdLoader(DataLoader[int, int]):
    def __init__(self, kind: AccountKind) -> None:
        super().__init__()
        self.kind = kind

    async def batch_load_fn(self, keys: list[int]) -> list[int]:
        found = await ledger.balances(self.kind, list(keys))
        return [found[key] for key in keys]


class ProductByIdLoader(DataLoader[int, Any]):
    """Products with their shops in one query; the shops go into the shop loader too."""

    def __init__(self, shops: DataLoader[int, Any]) -> None:
        super().__init__()
        self.shops = shops

    async def batch_load_fn(self, keys: list[int]) -> list[Any]:
        found = {p.id: p for p in await Product.filter(id__in=keys).select_related("shop")}
        for product in found.values():
            self.shops.prime(product.shop.id, product.shop)
        return [found.get(key) for key in keys]


class LikedByUserLoader(DataLoader[str, bool]):
    """Whether one person liked each target ("post:12", "comment:7")."""

    def __init__(self, user_id: int) -> None:
        super().__init__()
        self.user_id = user_id

    async def batch_load_fn(self, keys: list[str]) -> list[bool]:
        liked = set(
            await Like.filter(user_id=self.user_id, target__in=keys).values_list(
                "target", flat=True
            )
        )
        return [key in liked for key in keys]


class Loaders:
    """The request's loaders, each created on first use."""

    @cached_property
    def user_by_id(self) -> ModelByKeyLoader:
        return ModelByKeyLoader(User)

    @cached_property
    def roles_by_user_id(self) -> RolesByUserIdLoader:
        return RolesByUserIdLoader()

    @cached_property
    def shop_by_id(self) -> ModelByKeyLoader:
        return ModelByKeyLoader(Shop)

    @cached_property
    def shop_by_owner_id(self) -> ModelByKeyLoader:
        return ModelByKeyLoader(Shop, "owner_id")

    @cached_property
    def category_by_id(self) -> ModelByKeyLoader:
        return ModelByKeyLoader(Category)

    @cached_property
    def categories_by_parent_id(self) -> ManyByKeyLoader:
        return ManyByKeyLoader(Category, "parent_id", "position")

    @cached_property
    def product_by_id(self) -> ProductByIdLoader:
        return ProductByIdLoader(self.shop_by_id)

    @cached_property
    def post_by_id(self) -> ModelByKeyLoader:
        return ModelByKeyLoader(Post)

    @cached_property
    def comments_by_post_id(self) -> ManyByKeyLoader:
        return ManyByKeyLoader(Comment, "post_id")

    @cached_property
    def variant_by_id(self) -> ModelByKeyLoader:
        return ModelByKeyLoader(Variant)

    @cached_property
    def variants_by_product_id(self) -> ManyByKeyLoader:
        return ManyByKeyLoader(Variant, "product_id", "position")

    @cached_property
    def order_by_id(self) -> ModelByKeyLoader:
        return ModelByKeyLoader(Order)

    @cached_property
    def lines_by_order_id(self) -> ManyByKeyLoader:
        return ManyByKeyLoader(OrderLine, "order_id")

    @cached_property
    def events_by_order_id(self) -> ManyByKeyLoader:
        return ManyByKeyLoader(OrderEvent, "order_id")

    @cached_property
    def messages_by_order_id(self) -> ManyByKeyLoader:
        return ManyByKeyLoader(OrderMessage, "order_id")

    @cached_property
    def refund_requests_by_order_id(self) -> ManyByKeyLoader:
        return ManyByKeyLoader(RefundRequest, "order_id")

    @cached_property
    def disputes_by_order_id(self) -> ManyByKeyLoader:
        return ManyByKeyLoader(Dispute, "order_id")

    @cached_property
    def ratings_by_order_id(self) -> ManyByKeyLoader:
        return ManyByKeyLoader(Rating, "order_id")

    @cached_property
    def store_rating_by_order_id(self) -> ModelByKeyLoader:
        return ModelByKeyLoader(StoreRating, "order_id")

    @cached_property
    def credits_by_user_id(self) -> ManyByKeyLoader:
        return ManyByKeyLoader(Credit, "user_id")

    @cached_property
    def wallet_by_owner_id(self) -> BalanceByOwnerIdLoader:
        return BalanceByOwnerIdLoader(AccountKind.WALLET)

    @cached_property
    def deposit_by_owner_id(self) -> BalanceByOwnerIdLoader:
        return BalanceByOwnerIdLoader(AccountKind.DEPOSIT)
