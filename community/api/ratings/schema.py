"""Rating mutations: rate an order, reply to a rating, upgrade a rating to good."""

from __future__ import annotations

from typing import Any

import graphene

from community.api.errors import Mutation
from community.api.orders.types import Order
from community.api.ratings.types import Rating, RatingScore
from community.api.relay import decode_id
from community.orders.models import Order as OrderModel
from community.ratings import services as ratings
from community.ratings.models import Score

__all__ = ["RatingMutations"]


class RateOrderInput(graphene.InputObjectType):
    order_id = graphene.ID(required=True)
    score = graphene.Field(RatingScore, required=True)
    comment = graphene.String()
    described = graphene.Int(description="Buyers: item as described, 1–5.")
    service = graphene.Int(description="Buyers: seller's service, 1–5.")
    shipping = graphene.Int(description="Buyers: shipping speed, 1–5.")


class RateOrder(Mutation):
    """Rate the other side of a completed order, once, within 15 days."""

    class Arguments:
        input = RateOrderInput(required=True)

    rating = graphene.Field(Rating)
    order = graphene.Field(Order)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> RateOrder:
        order_id = decode_id(input.order_id, "Order", "orderId")
        scores = (input.described, input.service, input.shipping)
        # A missing score among given ones reads as 0 stars, which the service refuses.
        given = any(s is not None for s in scores)
        store = ratings.StoreScores(*(s or 0 for s in scores)) if given else None
        rating = await ratings.rate_order(
            info.context.require_user(),
            order_id,
            score=Score[str(getattr(input.score, "value", input.score))],
            comment=input.comment or "",
            store=store,
        )
        return cls(rating=rating, order=await OrderModel.get(id=order_id))


class RatingActionInput(graphene.InputObjectType):
    rating_id = graphene.ID(required=True)
    body = graphene.String(description="The reply (replyToRating only).")


class ReplyToRating(Mutation):
    """Answer a rating you received, once, in public."""

    class Arguments:
        input = RatingActionInput(required=True)

    rating = graphene.Field(Rating)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> ReplyToRating:
        rating = await ratings.reply_to_rating(
            info.context.require_user(),
            decode_id(input.rating_id, "Rating", "ratingId"),
            body=input.body or "",
        )
        return cls(rating=rating)


class UpgradeRating(Mutation):
    """Buyers: change a neutral or poor rating to good within 30 days."""

    class Arguments:
        input = RatingActionInput(required=True)

    rating = graphene.Field(Rating)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> UpgradeRating:
        rating = await ratings.upgrade_rating(
            info.context.require_user(), decode_id(input.rating_id, "Rating", "ratingId")
        )
        return cls(rating=rating)


class RatingMutations(graphene.ObjectType):
    rate_order = RateOrder.Field()
    reply_to_rating = ReplyToRating.Field()
    upgrade_rating = UpgradeRating.Field()
