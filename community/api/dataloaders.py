"""Per-request dataloaders: they batch fetches by key and do nothing else.

Named ``<Target>By<Key>Loader``; one set is built per request by :class:`Loaders`, so no
cache outlives a request.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from aiodataloader import DataLoader

from community.accounts import services as accounts
from community.accounts.models import Role, User

__all__ = ["Loaders", "RolesByUserIdLoader", "UserByIdLoader"]


def _in_key_order(keys: Iterable[Any], found: dict[Any, Any], default: Any = None) -> list[Any]:
    return [found.get(key, default) for key in keys]


class UserByIdLoader(DataLoader[int, User | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[User | None]:
        users = await User.filter(id__in=keys)
        return _in_key_order(keys, {u.id: u for u in users})


class RolesByUserIdLoader(DataLoader[int, set[Role]]):
    async def batch_load_fn(self, keys: list[int]) -> list[set[Role]]:
        return _in_key_order(keys, await accounts.roles_of(list(keys)))


class Loaders:
    """The request's loaders, each created on first use."""

    @cached_property
    def user_by_id(self) -> UserByIdLoader:
        return UserByIdLoader()

    @cached_property
    def roles_by_user_id(self) -> RolesByUserIdLoader:
        return RolesByUserIdLoader()
