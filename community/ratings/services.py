"""Rating a completed order, replying, upgrading a rating, and closing rating windows.

Only a completed order can be rated: an order refunded in full (by the seller or by an
admin's dispute decision) ends REFUNDED, no sale happened, and it cannot be rated; a partly
refunded order ends COMPLETED and can. Each side's rating is hidden from the other side and
counts toward nothing until both have rated or the 15-day window closes; then it is revealed
and the aggregates move, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Subquery
from tortoise.transactions import in_transaction

from community.accounts.models import User
from community.catalog.models import Category, Product
from community.infra import clock
from community.infra.errors import DomainError
from community.orders.models import Order, OrderLine, OrderStatus
from community.ratings.errors import RatingCode
from community.ratings.models import (
    CategoryRatingDay,
    Credit,
    CreditRole,
    Rating,
    Score,
    ShopRatingDay,
    Side,
    StoreRating,
)

__all__ = [
    "CHANGE_WINDOW",
    "RATING_WINDOW",
    "ROLLING_WINDOW",
    "StoreScores",
    "close_rating_windows",
    "rate_order",
    "reply_to_rating",
    "upgrade_rating",
    "window_start",
]

RATING_WINDOW = timedelta(days=15)
CHANGE_WINDOW = timedelta(days=30)
ROLLING_WINDOW = timedelta(days=180)  # "the last 6 months"
MAX_COMMENT = 500


@dataclass(frozen=True)
class StoreScores:
    described: int
    service: int
    shipping: int


def window_start(today: date | None = None) -> date:
    """The first day inside the rolling 6-month window."""
    return (today or clock.now().date()) - ROLLING_WINDOW


async def _order_category(order_id: int) -> int:
    """The top-level category of the order's first line (what the shop was rated for)."""
    line = await OrderLine.filter(order_id=order_id).order_by("id").first()
    product = await Product.get(id=line.product_id) if line else None  # type: ignore[union-attr]
    category = await Category.get(id=product.category_id) if product else None  # type: ignore[attr-defined,union-attr]
    assert category is not None
    return category.parent_id or category.id  # type: ignore[attr-defined,no-any-return]


async def _bump(model: type, keys: dict[str, object], **increments: int) -> None:
    """Add to an aggregate row, creating it first when missing (safe under races)."""
    await model.bulk_create([model(**keys)], ignore_conflicts=True)  # type: ignore[attr-defined]
    await model.filter(**keys).update(  # type: ignore[attr-defined]
        **{name: F(name) + amount for name, amount in increments.items()}
    )


_COUNT = {Score.GOOD: "good", Score.NEUTRAL: "neutral", Score.POOR: "poor"}


async def _count(rating: Rating, score: int, sign: int, category_id: int) -> None:
    """Apply (sign +1) or take back (sign -1) one revealed rating's effect on aggregates."""
    if not rating.counted:
        return
    role = CreditRole.SELLER if rating.side == Side.BUYER else CreditRole.BUYER
    bucket = _COUNT[Score(score)]
    await _bump(
        Credit, {"user_id": rating.ratee_id, "role": role}, score=sign * score, **{bucket: sign}
    )
    if rating.side == Side.BUYER:
        await _bump(
            ShopRatingDay,
            {
                "shop_id": rating.shop_id,
                "day": rating.created_at.date(),
                "category_id": category_id,
            },
            **{bucket: sign},
        )


async def _reveal(order: Order) -> None:
    """Reveal the order's unrevealed ratings and let them count."""
    now = clock.now()
    hidden = await Rating.filter(order_id=order.id, revealed_at=None)
    if not hidden:
        return
    await Rating.filter(id__in=[r.id for r in hidden]).update(revealed_at=now)
    category_id = await _order_category(order.id)
    for rating in hidden:
        rating.revealed_at = now
        await _count(rating, rating.score, +1, category_id)


async def _rateable(actor: User, order_id: int) -> tuple[Order, Side]:
    order = await Order.get_or_none(id=order_id)
    if order is None or actor.id not in (order.buyer_id, order.seller_id):
        raise DomainError(RatingCode.NOT_A_PARTY, "Only the buyer and the seller rate an order.")
    if order.status != OrderStatus.COMPLETED or order.closed_at is None:
        why = (
            "A fully refunded order can't be rated."
            if order.status == OrderStatus.REFUNDED
            else "Orders can be rated once they are completed."
        )
        raise DomainError(RatingCode.NOT_RATEABLE, why)
    if clock.now() > order.closed_at + RATING_WINDOW:
        raise DomainError(RatingCode.RATING_WINDOW_CLOSED, "The 15 days to rate have passed.")
    return order, Side.BUYER if actor.id == order.buyer_id else Side.SELLER


def _check_store(scores: StoreScores) -> None:
    for name, value in (
        ("described", scores.described),
        ("service", scores.service),
        ("shipping", scores.shipping),
    ):
        if not 1 <= value <= 5:
            raise DomainError(RatingCode.STORE_SCORES_INVALID, "Scores are 1–5 stars.", name)


async def rate_order(
    actor: User,
    order_id: int,
    *,
    score: Score,
    comment: str = "",
    store: StoreScores | None = None,
) -> Rating:
    """Rate the other side of a completed order: good, neutral or poor, once, within 15
    days. The buyer also scores the shop 1–5 on description, service and shipping."""
    order, side = await _rateable(actor, order_id)
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError(RatingCode.COMMENT_TOO_LONG, "At most 500 characters.", "comment")
    if side == Side.BUYER and store is None:
        raise DomainError(
            RatingCode.STORE_SCORES_INVALID, "Score the shop too (1–5 stars).", "described"
        )
    if side == Side.SELLER and store is not None:
        raise DomainError(RatingCode.STORE_SCORES_INVALID, "Only buyers score the shop.")
    if store is not None:
        _check_store(store)
    now = clock.now()
    ratee_id = order.seller_id if side == Side.BUYER else order.buyer_id
    try:
        async with in_transaction():
            rating = await Rating.create(
                order_id=order.id,
                side=side,
                rater_id=actor.id,
                ratee_id=ratee_id,
                shop_id=order.shop_id,
                score=int(score),
                original_score=int(score),
                comment=comment,
                counted=actor.id != ratee_id,
                created_at=now,
            )
            if store is not None:
                await _store_rating(order, actor, store, now)
            if await Rating.filter(order_id=order.id).count() == 2:
                await _reveal(order)
                await rating.refresh_from_db()
    except IntegrityError:
        raise DomainError(RatingCode.ALREADY_RATED, "You rated this order already.") from None
    return rating


async def _store_rating(order: Order, actor: User, store: StoreScores, now: datetime) -> None:
    category_id = await _order_category(order.id)
    await StoreRating.create(
        order_id=order.id,
        shop_id=order.shop_id,
        category_id=category_id,
        buyer_id=actor.id,
        described=store.described,
        service=store.service,
        shipping=store.shipping,
        created_at=now,
    )
    sums = {
        "store_count": 1,
        "described_sum": store.described,
        "service_sum": store.service,
        "shipping_sum": store.shipping,
    }
    if order.seller_id != actor.id:
        await _bump(
            ShopRatingDay,
            {"shop_id": order.shop_id, "day": now.date(), "category_id": category_id},
            **sums,
        )
        await _bump(CategoryRatingDay, {"category_id": category_id, "day": now.date()}, **sums)


async def _own_rating(rating_id: int) -> Rating:
    rating = await Rating.get_or_none(id=rating_id)
    if rating is None:
        raise DomainError(RatingCode.RATING_NOT_FOUND, "No such rating.")
    return rating


async def reply_to_rating(actor: User, rating_id: int, *, body: str) -> Rating:
    """The rated party answers a revealed rating, once, in public."""
    rating = await _own_rating(rating_id)
    if rating.ratee_id != actor.id:
        raise DomainError(RatingCode.NOT_RATED_PARTY, "Only the rated person can reply.")
    if rating.revealed_at is None:
        raise DomainError(RatingCode.NOT_REVEALED, "You can reply once the rating is revealed.")
    body = body.strip()
    if not body or len(body) > MAX_COMMENT:
        raise DomainError(RatingCode.COMMENT_TOO_LONG, "Replies are 1–500 characters.", "body")
    if not await Rating.filter(id=rating.id, replied_at=None).update(
        reply=body, replied_at=clock.now()
    ):
        raise DomainError(RatingCode.ALREADY_REPLIED, "You replied already.")
    return await _own_rating(rating_id)


async def upgrade_rating(actor: User, rating_id: int) -> Rating:
    """The buyer changes a neutral or poor rating to good within 30 days (never down)."""
    rating = await _own_rating(rating_id)
    if rating.rater_id != actor.id or rating.side != Side.BUYER:
        raise DomainError(RatingCode.CANNOT_CHANGE_RATING, "Only the buyer can change a rating.")
    if clock.now() > rating.created_at + CHANGE_WINDOW:
        raise DomainError(RatingCode.CANNOT_CHANGE_RATING, "The 30 days to change it have passed.")
    async with in_transaction():
        if not await Rating.filter(id=rating.id, score__lt=Score.GOOD).update(
            score=Score.GOOD, changed_at=clock.now()
        ):
            raise DomainError(RatingCode.CANNOT_CHANGE_RATING, "This rating is already good.")
        if rating.revealed_at is not None:
            category_id = await _order_category(rating.order_id)
            await _count(rating, rating.score, -1, category_id)
            await _count(rating, Score.GOOD, +1, category_id)
    return await _own_rating(rating_id)


async def close_rating_windows(batch: int = 200) -> int:
    """Sweep: for orders whose 15 days have passed, leave the automatic good rating for a
    buyer who did not rate, and reveal everything. Safe to run twice."""
    cutoff = clock.now() - RATING_WINDOW
    # Orders closed within the last 30 days of windows; the sweep runs every few seconds,
    # so none is missed, and the scan stays bounded.
    done_orders = Subquery(
        Rating.filter(side=Side.BUYER, revealed_at__not_isnull=True).values("order_id")
    )
    due = await (
        Order.filter(
            status=OrderStatus.COMPLETED,
            closed_at__lte=cutoff,
            closed_at__gt=cutoff - timedelta(days=30),
        )
        .exclude(id__in=done_orders)
        .limit(batch)
    )
    for order in due:
        try:
            async with in_transaction():
                if not await Rating.filter(order_id=order.id, side=Side.BUYER).exists():
                    await Rating.create(
                        order_id=order.id,
                        side=Side.BUYER,
                        rater_id=order.buyer_id,
                        ratee_id=order.seller_id,
                        shop_id=order.shop_id,
                        score=int(Score.GOOD),
                        original_score=int(Score.GOOD),
                        automatic=True,
                        counted=order.buyer_id != order.seller_id,
                        created_at=clock.now(),
                    )
                await _reveal(order)
        except IntegrityError:
            # The buyer rated at this very moment: reveal what is there.
            async with in_transaction():
                await _reveal(order)
    return len(due)
