"""The home-feed page served naively from memory: graphql-server's plain ASGI ``GraphQL`` view
over a small graphene schema with the fields of the ``HomeFeed`` page, whose resolvers return
in-memory Python objects. No database, no Redis, no authentication, no caching of any kind:
every request is parsed, validated and executed again.

The objects are built from ``BENCH_FEED_PAGE`` (a JSON file: the real server's answer to the
page), so the answer is the same JSON as Haowu's.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import graphene
from graphql_server.asgi import GraphQL
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["create_app", "schema"]

PostKind = graphene.Enum("PostKind", [(v, v) for v in ("POST", "PURCHASE", "ACTIVITY")])
Audience = graphene.Enum("Audience", [(v, v) for v in ("PUBLIC", "FRIENDS", "PRIVATE")])


class Money(graphene.ObjectType):
    amount = graphene.Int(required=True)
    currency = graphene.String(required=True)
    formatted = graphene.String(required=True)


class User(graphene.ObjectType):
    id = graphene.ID(required=True)
    username = graphene.String(required=True)
    display_name = graphene.String(required=True)
    avatar_url = graphene.String()


class Shop(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    owner = graphene.Field(User, required=True)


class Product(graphene.ObjectType):
    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    image_urls = graphene.List(graphene.NonNull(graphene.String), required=True)
    price_from = graphene.Field(Money, required=True)
    shop = graphene.Field(Shop, required=True)


class Post(graphene.ObjectType):
    id = graphene.ID(required=True)
    kind = graphene.Field(PostKind, required=True)
    body = graphene.String(required=True)
    image_urls = graphene.List(graphene.NonNull(graphene.String), required=True)
    audience = graphene.Field(Audience, required=True)
    activity_type = graphene.String()
    like_count = graphene.Int(required=True)
    comment_count = graphene.Int(required=True)
    viewer_has_liked = graphene.Boolean(required=True)
    is_mine = graphene.Boolean(required=True)
    created_at = graphene.DateTime(required=True)
    edited_at = graphene.DateTime()
    author = graphene.Field(User, required=True)
    products = graphene.List(graphene.NonNull(Product), required=True)


class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    has_previous_page = graphene.Boolean(required=True)
    start_cursor = graphene.String()
    end_cursor = graphene.String()


class PostEdge(graphene.ObjectType):
    node = graphene.Field(Post)
    cursor = graphene.String(required=True)


class PostConnection(graphene.ObjectType):
    page_info = graphene.Field(PageInfo, required=True)
    edges = graphene.List(PostEdge, required=True)


class Query(graphene.ObjectType):
    home_feed = graphene.Field(
        PostConnection, required=True, first=graphene.Int(), after=graphene.String()
    )

    @staticmethod
    def resolve_home_feed(root: Any, info: Any, **_: Any) -> Any:
        return info.context["feed"]


schema = graphene.Schema(query=Query)

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_DATES = {"created_at", "edited_at"}


def _objects(value: Any) -> Any:
    """JSON → Python objects with snake_case attributes (datetimes as datetimes)."""
    if isinstance(value, list):
        return [_objects(v) for v in value]
    if isinstance(value, dict):
        fields = {}
        for key, item in value.items():
            name = _CAMEL.sub("_", key).lower()
            if name in _DATES and item is not None:
                fields[name] = datetime.fromisoformat(item)
            else:
                fields[name] = _objects(item)
        return SimpleNamespace(**fields)
    return value


def load_page(path: Path) -> Any:
    """The ``homeFeed`` connection of a saved answer, as Python objects."""
    return _objects(json.loads(path.read_text())["data"]["homeFeed"])


class NaiveFeedGraphQL(GraphQL[dict[str, Any], None]):
    def __init__(self, feed: Any) -> None:
        super().__init__(schema.graphql_schema, graphql_ide=None)
        self.feed = feed

    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        return {"request": request, "response": response, "feed": self.feed}


def create_app() -> Starlette:
    feed = load_page(Path(os.environ["BENCH_FEED_PAGE"]))

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    view = NaiveFeedGraphQL(feed)
    return Starlette(routes=[Route("/graphql", view), Route("/health", health)])
