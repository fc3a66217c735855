"""Ratings, credit levels and the shop's rating summary as clients see them."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay

from community.api.accounts.types import User
from community.api.relay import Node
from community.orders.models import OrderStatus
from community.ratings import levels, policy
from community.ratings import services as ratings
from community.ratings.models import Credit as CreditModel
from community.ratings.models import CreditRole, Score, Side
from community.ratings.models import Rating as RatingModel
from community.ratings.summary import ShopSummary

__all__ = [
    "Credit",
    "OrderRatings",
    "Rating",
    "RatingConnection",
    "RatingScore",
    "ShopRatingSummary",
    "credit_for",
]

RatingScore = graphene.Enum("RatingScore", [(s.name, s.name) for s in Score])
RatingSide = graphene.Enum.from_enum(Side)
CreditTier = graphene.Enum("CreditTier", [(t, t) for t in levels.TIERS])


class CreditLevel(graphene.ObjectType):
    tier = graphene.Field(CreditTier, required=True)
    count = graphene.Int(required=True, description="1–5 symbols of the tier.")
    next_at = graphene.Int(description="The score of the next level.")


class Credit(graphene.ObjectType):
    """Credit as a buyer or as a seller: +1 per good, −1 per poor rating received."""

    score = graphene.Int(required=True)
    level = graphene.Field(CreditLevel, description="Null below the first heart.")
    good = graphene.Int(required=True)
    neutral = graphene.Int(required=True)
    poor = graphene.Int(required=True)

    @staticmethod
    def resolve_level(credit: CreditModel, info: Any) -> Any:
        return levels.level_for(credit.score)


async def credit_for(info: Any, user_id: int, role: CreditRole) -> CreditModel:
    found = await info.context.loaders.credits_by_user_id.load(user_id)
    return next((c for c in found if c.role == role), CreditModel(user_id=user_id, role=role))


class Rating(graphene.ObjectType):
    """A good/neutral/poor rating of one side of an order. Until revealed (both rated or
    the window closed) only its author sees it."""

    class Meta:
        interfaces = (Node,)

    side = graphene.Field(RatingSide, required=True, description="BUYER: the buyer rated.")
    rater = graphene.Field(User, required=True)
    ratee = graphene.Field(User, required=True)
    score = graphene.Field(RatingScore, required=True)
    comment = graphene.String(required=True)
    automatic = graphene.Boolean(required=True, description="Left by the system at window end.")
    revealed = graphene.Boolean(required=True)
    changed = graphene.Boolean(required=True, description="Upgraded to good by the buyer.")
    reply = graphene.String(description="The rated party's public answer.")
    replied_at = graphene.DateTime()
    created_at = graphene.DateTime(required=True)
    can_reply = graphene.Boolean(required=True)
    can_upgrade = graphene.Boolean(required=True)

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, RatingModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> RatingModel | None:
        rating = await RatingModel.get_or_none(id=pk)
        viewer = info.context.viewer
        if rating is None or not policy.can_view_rating(viewer.id if viewer else None, rating):
            return None
        return rating

    @staticmethod
    async def resolve_rater(rating: RatingModel, info: Any) -> Any:
        return await info.context.loaders.user_by_id.load(rating.rater_id)

    @staticmethod
    async def resolve_ratee(rating: RatingModel, info: Any) -> Any:
        return await info.context.loaders.user_by_id.load(rating.ratee_id)

    @staticmethod
    def resolve_score(rating: RatingModel, info: Any) -> str:
        return Score(rating.score).name

    @staticmethod
    def resolve_revealed(rating: RatingModel, info: Any) -> bool:
        return rating.revealed_at is not None

    @staticmethod
    def resolve_changed(rating: RatingModel, info: Any) -> bool:
        return rating.score != rating.original_score

    @staticmethod
    def resolve_reply(rating: RatingModel, info: Any) -> str | None:
        return rating.reply or None

    @staticmethod
    def resolve_can_reply(rating: RatingModel, info: Any) -> bool:
        viewer = info.context.viewer
        return bool(
            viewer
            and viewer.id == rating.ratee_id
            and rating.revealed_at is not None
            and rating.replied_at is None
        )

    @staticmethod
    def resolve_can_upgrade(rating: RatingModel, info: Any) -> bool:
        from community.infra import clock

        viewer = info.context.viewer
        return bool(
            viewer
            and viewer.id == rating.rater_id
            and rating.side == Side.BUYER
            and rating.score < Score.GOOD
            and clock.now() <= rating.created_at + ratings.CHANGE_WINDOW
        )


class RatingConnection(relay.Connection):
    class Meta:
        node = Rating


class StoreScores(graphene.ObjectType):
    described = graphene.Int(required=True)
    service = graphene.Int(required=True)
    shipping = graphene.Int(required=True)


class OrderRatings(graphene.ObjectType):
    """The ratings of one order, from the viewer's side."""

    mine = graphene.Field(Rating)
    theirs = graphene.Field(Rating, description="Null until revealed.")
    theirs_submitted = graphene.Boolean(required=True)
    can_rate = graphene.Boolean(required=True)
    rate_by = graphene.DateTime(description="When the window closes (completed orders).")
    store_scores = graphene.Field(StoreScores, description="What the buyer gave the shop.")

    @staticmethod
    async def _split(order: Any, info: Any) -> tuple[Any, Any]:
        """(the viewer's rating, the other side's); nothing for people outside the order."""
        viewer = info.context.viewer
        if viewer is None or viewer.id not in (order.buyer_id, order.seller_id):
            return None, None
        found = await info.context.loaders.ratings_by_order_id.load(order.id)
        mine = next((r for r in found if r.rater_id == viewer.id), None)
        theirs = next((r for r in found if r.rater_id != viewer.id), None)
        return mine, theirs

    @staticmethod
    async def resolve_mine(order: Any, info: Any) -> Any:
        return (await OrderRatings._split(order, info))[0]

    @staticmethod
    async def resolve_theirs(order: Any, info: Any) -> Any:
        theirs = (await OrderRatings._split(order, info))[1]
        return theirs if theirs is not None and theirs.revealed_at is not None else None

    @staticmethod
    async def resolve_theirs_submitted(order: Any, info: Any) -> bool:
        return (await OrderRatings._split(order, info))[1] is not None

    @staticmethod
    async def resolve_can_rate(order: Any, info: Any) -> bool:
        from community.infra import clock

        viewer = info.context.viewer
        if viewer is None or viewer.id not in (order.buyer_id, order.seller_id):
            return False
        if order.status != OrderStatus.COMPLETED or order.closed_at is None:
            return False
        mine, _ = await OrderRatings._split(order, info)
        return mine is None and clock.now() <= order.closed_at + ratings.RATING_WINDOW

    @staticmethod
    def resolve_rate_by(order: Any, info: Any) -> Any:
        if order.status != OrderStatus.COMPLETED or order.closed_at is None:
            return None
        return order.closed_at + ratings.RATING_WINDOW

    @staticmethod
    async def resolve_store_scores(order: Any, info: Any) -> Any:
        """The buyer's stars: to the buyer always, to the seller once the rating is revealed
        (they would give the hidden rating away)."""
        mine, theirs = await OrderRatings._split(order, info)
        buyer_rating = mine if info.context.viewer.id == order.buyer_id else theirs
        if buyer_rating is None or (buyer_rating is theirs and buyer_rating.revealed_at is None):
            return None
        return await info.context.loaders.store_rating_by_order_id.load(order.id)


class DimensionScore(graphene.ObjectType):
    average = graphene.Float(description="1–5 over the last 6 months, null without ratings.")
    count = graphene.Int(required=True)
    category_average = graphene.Float(description="Shops of the same category, same window.")


class ShopRatingSummary(graphene.ObjectType):
    """The last 6 months (180 days) of a shop's ratings."""

    good_rate = graphene.Float(description="Share of good ratings, 0–1.")
    good = graphene.Int(required=True)
    neutral = graphene.Int(required=True)
    poor = graphene.Int(required=True)
    category = graphene.Field("community.api.catalog.types.Category")
    described = graphene.Field(DimensionScore, required=True)
    service = graphene.Field(DimensionScore, required=True)
    shipping = graphene.Field(DimensionScore, required=True)

    @staticmethod
    def resolve_good_rate(summary: ShopSummary, info: Any) -> float | None:
        return summary.good_rate

    @staticmethod
    async def resolve_category(summary: ShopSummary, info: Any) -> Any:
        if summary.category_id is None:
            return None
        return await info.context.loaders.category_by_id.load(summary.category_id)

    @staticmethod
    def resolve_described(summary: ShopSummary, info: Any) -> Any:
        return summary.dimensions["described"]

    @staticmethod
    def resolve_service(summary: ShopSummary, info: Any) -> Any:
        return summary.dimensions["service"]

    @staticmethod
    def resolve_shipping(summary: ShopSummary, info: Any) -> Any:
        return summary.dimensions["shipping"]
