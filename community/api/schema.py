"""The whole GraphQL schema, assembled from each domain's queries, mutations and
subscriptions. ``haowu schema`` writes it to ``graphql/schema.graphql``."""

from __future__ import annotations

from pathlib import Path

import graphene

from community.api.accounts.schema import (
    AccountMutations,
    AccountQueries,
    AccountSubscriptions,
)
from community.api.accounts.types import User
from community.api.catalog.schema import CatalogMutations, CatalogQueries
from community.api.catalog.types import Category, Product, Shop, Variant
from community.api.orders.schema import OrderMutations, OrderQueries
from community.api.orders.types import Address, Dispute, Order
from community.api.ratings.schema import RatingMutations
from community.api.ratings.types import Rating
from community.api.relay import Node
from community.api.social.schema import SocialMutations, SocialQueries, SocialSubscriptions
from community.api.social.types import Comment, FriendRequest, Notification, Post

__all__ = ["SCHEMA_PATH", "schema", "sdl"]

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"


class Query(AccountQueries, CatalogQueries, OrderQueries, SocialQueries, graphene.ObjectType):
    node = Node.Field(description="Any object by global ID, or null when you may not see it.")


class Mutation(
    AccountMutations,
    CatalogMutations,
    OrderMutations,
    RatingMutations,
    SocialMutations,
    graphene.ObjectType,
):
    pass


class Subscription(AccountSubscriptions, SocialSubscriptions, graphene.ObjectType):
    pass


schema = graphene.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[
        User,
        Shop,
        Category,
        Product,
        Variant,
        Order,
        Address,
        Dispute,
        Rating,
        Post,
        Comment,
        FriendRequest,
        Notification,
    ],
)


def sdl() -> str:
    return str(schema).rstrip() + "\n"
