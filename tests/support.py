"""Helpers shared by tests: a GraphQL client over ASGI and quick account setup."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from community.accounts import services as accounts
from community.api.documents import OPERATIONS_DIR

__all__ = ["GraphQLClient", "Member", "count_queries", "make_member", "operation"]

_seq = itertools.count(1)
STRONG_PASSWORD = "plum blossom teapot 42"


def operation(name: str) -> str:
    """The text of a named operation the web app sends."""
    return (OPERATIONS_DIR / f"{name}.graphql").read_text()


@dataclass
class Member:
    id: int
    username: str
    token: str
    password: str = STRONG_PASSWORD

    @property
    def global_id(self) -> str:
        from community.api.relay import encode_id

        return encode_id("User", self.id)


async def make_member(username: str | None = None, **profile: Any) -> Member:
    """Register someone through the service layer (fast setup for API tests)."""
    username = username or f"member{next(_seq)}"
    auth = await accounts.register(
        username=username, email=f"{username}@example.com", password=STRONG_PASSWORD
    )
    if profile:
        await accounts.update_profile(auth.user, **profile)
    return Member(id=auth.user.id, username=username, token=auth.token)


class GraphQLClient:
    """Posts GraphQL over ASGI. Like an API client it keeps no cookies unless told to
    (``keep_cookies=True`` behaves like the web app)."""

    def __init__(self, http: httpx.AsyncClient, keep_cookies: bool = False) -> None:
        self.http = http
        self.keep_cookies = keep_cookies

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if token:
            all_headers["authorization"] = f"Bearer {token}"
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        response = await self.http.post("/graphql", json=body, headers=all_headers)
        if not self.keep_cookies:
            self.http.cookies.clear()
        return response

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """Run an operation that must succeed at the GraphQL level; returns ``data``."""
        response = await self.post(query, variables, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]


# --- marketplace setup ------------------------------------------------------------------


async def user_of(member: Member) -> Any:
    from community.accounts.models import User

    return await User.get(id=member.id)


async def open_ready_shop(member: Member, name: str | None = None) -> Any:
    """A verified shop with its full security deposit, through the services."""
    from community.catalog import services as catalog
    from community.catalog.models import Shop
    from community.infra import runtime
    from community.ledger import services as ledger

    user = await user_of(member)
    await catalog.open_shop(user, name=name or f"{member.username}'s shop")
    await catalog.start_verification(user)
    sent = (await Shop.get(owner_id=user.id)).verification_amount  # what the bank shows
    await catalog.confirm_verification(user, amount=sent)
    required = runtime.get().settings.shop_deposit_required
    await ledger.top_up(user.id, amount=required)
    await catalog.lock_deposit(user, amount=required)
    return await Shop.get(owner_id=user.id)


async def make_product(
    member: Member,
    *,
    price: int = 1_000,
    stock: int = 10,
    title: str = "Celadon teacup",
    variants: list[Any] | None = None,
) -> Any:
    """An active product of the member's shop (one variant unless ``variants`` given)."""
    from community.catalog import services as catalog
    from community.catalog.models import Category, ProductStatus

    category = await Category.get(slug="crafts-ceramics")
    return await catalog.create_product(
        await user_of(member),
        title=title,
        category_id=category.id,
        variants=variants
        or [catalog.VariantSpec(sku=f"SKU-{next(_seq)}", price=price, stock=stock)],
        status=ProductStatus.ACTIVE,
    )


async def add_address(member: Member) -> Any:
    from community.orders import cart

    return await cart.add_address(
        await user_of(member),
        recipient=member.username,
        phone="+86 138 0000 0000",
        line1="88 West Lake Road",
        city="Hangzhou",
    )


class _QueryCount:
    count = 0


@contextmanager
def count_queries() -> Iterator[_QueryCount]:
    """Count the SQL statements sent while the block runs (through Tortoise's db client
    logger, which logs every statement at DEBUG)."""
    import logging

    counter = _QueryCount()

    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            counter.count += 1

    logger = logging.getLogger("tortoise.db_client")
    handler, level = _Handler(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
