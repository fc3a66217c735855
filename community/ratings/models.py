"""Rating tables and the aggregates kept beside them.

Raw facts: :class:`Rating` (one per side per order) and :class:`StoreRating` (the buyer's
1–5 scores of the shop). Aggregates, updated in the same transaction: :class:`Credit` (a
person's score as buyer and as seller) and daily buckets per shop and per category
(:class:`ShopRatingDay`, :class:`CategoryRatingDay`) from which a 6-month window is one
``SUM`` over at most ~180 rows.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from tortoise import fields
from tortoise.models import Model

__all__ = [
    "CategoryRatingDay",
    "Credit",
    "CreditRole",
    "Rating",
    "Score",
    "ShopRatingDay",
    "Side",
    "StoreRating",
]


class Side(StrEnum):
    BUYER = "BUYER"  # the buyer rates the seller
    SELLER = "SELLER"  # the seller rates the buyer


class Score(IntEnum):
    GOOD = 1
    NEUTRAL = 0
    POOR = -1


class CreditRole(StrEnum):
    BUYER = "BUYER"
    SELLER = "SELLER"


class Rating(Model):
    id = fields.BigIntField(primary_key=True)
    order_id = fields.BigIntField()
    side = fields.CharEnumField(Side, max_length=8)
    rater_id = fields.BigIntField()
    ratee_id = fields.BigIntField(db_index=True)
    shop_id = fields.BigIntField(db_index=True)
    score = fields.SmallIntField()
    original_score = fields.SmallIntField()
    comment = fields.CharField(max_length=500, default="")
    automatic = fields.BooleanField(default=False)
    # False when rater and ratee are the same account: such ratings never count.
    counted = fields.BooleanField(default=True)
    # Set when both sides rated or the window closed; until then the other side can't see it
    # and it does not count yet.
    revealed_at = fields.DatetimeField(null=True)
    reply = fields.CharField(max_length=500, default="")
    replied_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "ratings_rating"
        unique_together = (("order_id", "side"),)


class StoreRating(Model):
    id = fields.BigIntField(primary_key=True)
    order_id = fields.BigIntField(unique=True)
    shop_id = fields.BigIntField(db_index=True)
    category_id = fields.BigIntField()  # the top-level category of what was bought
    buyer_id = fields.BigIntField()
    described = fields.SmallIntField()
    service = fields.SmallIntField()
    shipping = fields.SmallIntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "ratings_store_rating"


class Credit(Model):
    id = fields.BigIntField(primary_key=True)
    user_id = fields.BigIntField()
    role = fields.CharEnumField(CreditRole, max_length=8)
    score = fields.IntField(default=0)
    good = fields.IntField(default=0)
    neutral = fields.IntField(default=0)
    poor = fields.IntField(default=0)

    class Meta:
        table = "ratings_credit"
        unique_together = (("user_id", "role"),)


class ShopRatingDay(Model):
    """One shop's ratings received on one day (UTC), by the category bought."""

    id = fields.BigIntField(primary_key=True)
    shop_id = fields.BigIntField()
    day = fields.DateField()
    category_id = fields.BigIntField()
    store_count = fields.IntField(default=0)
    described_sum = fields.IntField(default=0)
    service_sum = fields.IntField(default=0)
    shipping_sum = fields.IntField(default=0)
    good = fields.IntField(default=0)
    neutral = fields.IntField(default=0)
    poor = fields.IntField(default=0)

    class Meta:
        table = "ratings_shop_day"
        unique_together = (("shop_id", "day", "category_id"),)


class CategoryRatingDay(Model):
    """All shops' store ratings in one top-level category on one day."""

    id = fields.BigIntField(primary_key=True)
    category_id = fields.BigIntField()
    day = fields.DateField()
    store_count = fields.IntField(default=0)
    described_sum = fields.IntField(default=0)
    service_sum = fields.IntField(default=0)
    shipping_sum = fields.IntField(default=0)

    class Meta:
        table = "ratings_category_day"
        unique_together = (("category_id", "day"),)
