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
from community.social.models import Comment, Post

__all__ = [
    "LikedByUserLoader",
    "Loader",
    "Loaders",
    "ManyByKeyLoader",
    "ModelByKeyLoader",
    "PostByIdLoader",
    "ProductByIdLoader",
    "RolesByUserIdLoader",
]


class Loader(DataLoader[Any, Any]):
    """A dataloader whose values this request already has can be read without waiting."""

    def get(self, key: Any) -> Any:
        """The value if it is loaded, else a future of it: a resolver may return either, and
        a whole page of values read with ``get`` resolves without one await."""
        future = self._cache.get(key)
        if future is not None and future.done() and future.exception() is None:
            return future.result()
        return self.load(key)


def _select(model: type[Model], key: str, keys: list[Any], order: str = "") -> str:
    meta = model._meta
    column = meta.fields_db_projection[key]
    tail = f' ORDER BY "{meta.fields_db_projection[order]}"' if order else ""
    return f'SELECT * FROM "{meta.db_table}" WHERE "{column}" IN ({sql.placeholders(keys)}){tail}'


class ModelByKeyLoader(Loader):
    """One row per key (``None`` when missing): e.g. products by id, shops by owner id."""

    def __init__(self, model: type[Model], key: str = "id") -> None:
        super().__init__()
        self.model, self.key = model, key

    async def batch_load_fn(self, keys: list[Any]) -> list[Any]:
        rows = await sql.fetch(_select(self.model, self.key, keys), *keys)
        found = {getattr(m, self.key): m for m in (sql.to_model(self.model, r) for r in rows)}
        return [found.get(key) for key in keys]


class ManyByKeyLoader(Loader):
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


_SHOP_COLUMNS = ", ".join(
    f's."{c}" AS "shop__{c}"' for c in Shop._meta.fields_db_projection.values()
)


class ProductByIdLoader(Loader):
    """Products with their shops in one query; the shops go into the shop loader too."""

    def __init__(self, shops: Loader) -> None:
        super().__init__()
        self.shops = shops

    async def batch_load_fn(self, keys: list[int]) -> list[Any]:
        rows = await sql.fetch(
            f"SELECT p.*, {_SHOP_COLUMNS} FROM catalog_product p "
            f"JOIN catalog_shop s ON s.id = p.shop_id WHERE p.id IN ({sql.placeholders(keys)})",
            *keys,
        )
        found = {}
        for row in rows:
            product = sql.to_model(Product, row)
            found[product.id] = product
            shop = {k[6:]: row[k] for k in row.keys() if k.startswith("shop__")}
            self.shops.prime(product.shop_id, sql.to_model(Shop, shop))
        return [found.get(key) for key in keys]


class PostByIdLoader(Loader):
    """Posts, each with whether the viewer liked it (into the liked loader), in one query."""

    def __init__(self, liked: LikedByUserLoader | None) -> None:
        super().__init__()
        self.liked = liked

    async def batch_load_fn(self, keys: list[int]) -> list[Any]:
        marks = sql.placeholders(keys, 2)
        if self.liked is None:
            marks = sql.placeholders(keys)
            rows = await sql.fetch(f"SELECT * FROM social_post WHERE id IN ({marks})", *keys)
        else:
            rows = await sql.fetch(
                "SELECT p.*, EXISTS (SELECT 1 FROM social_like l WHERE l.user_id = $1 "
                f"AND l.target = 'post:' || p.id) AS viewer_liked FROM social_post p "
                f"WHERE p.id IN ({marks})",
                self.liked.user_id,
                *keys,
            )
        found = {}
        for row in rows:
            post = found[row["id"]] = sql.to_model(Post, row)
            if self.liked is not None:
                self.liked.prime(f"post:{post.id}", bool(row["viewer_liked"]))
        return [found.get(key) for key in keys]


class LikedByUserLoader(Loader):
    """Whether one person liked each target ("post:12", "comment:7")."""

    def __init__(self, user_id: int) -> None:
        super().__init__()
        self.user_id = user_id

    async def batch_load_fn(self, keys: list[str]) -> list[bool]:
        rows = await sql.fetch(
            f"SELECT target FROM social_like WHERE user_id = $1 "
            f"AND target IN ({sql.placeholders(keys, 2)})",
            self.user_id,
            *keys,
        )
        liked = {row["target"] for row in rows}
        return [key in liked for key in keys]


class Loaders:
    """The request's loaders, each created on first use (``viewer_id``: who is asking)."""

    def __init__(self, viewer_id: int | None = None) -> None:
        self.viewer_id = viewer_id

    @cached_property
    def liked(self) -> LikedByUserLoader | None:
        return LikedByUserLoader(self.viewer_id) if self.viewer_id is not None else None

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
    def post_by_id(self) -> PostByIdLoader:
        return PostByIdLoader(self.liked)

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
