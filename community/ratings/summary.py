"""What a shop page shows about ratings, read from the maintained aggregates in a constant
number of queries; and the same numbers recomputed from the raw ratings (for tests and
audits)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tortoise.functions import Sum

from community.infra import clock
from community.ratings.models import (
    CategoryRatingDay,
    Rating,
    Score,
    ShopRatingDay,
    Side,
    StoreRating,
)
from community.ratings.services import window_start

__all__ = ["Dimension", "ShopSummary", "recompute_shop_summary", "shop_summary"]

DIMENSIONS = ("described", "service", "shipping")


@dataclass(frozen=True)
class Dimension:
    average: float | None  # 1–5, None without ratings
    count: int
    category_average: float | None


@dataclass
class ShopSummary:
    good: int = 0
    neutral: int = 0
    poor: int = 0
    category_id: int | None = None
    dimensions: dict[str, Dimension] = field(default_factory=dict)

    @property
    def good_rate(self) -> float | None:
        """Good ratings as a share of all ratings in the window (0–1)."""
        total = self.good + self.neutral + self.poor
        return self.good / total if total else None


def _avg(total: int, count: int) -> float | None:
    return round(total / count, 2) if count else None


async def shop_summary(shop_id: int, today: date | None = None) -> ShopSummary:
    """The last 6 months of a shop's ratings: two queries whatever the volume."""
    since = window_start(today or clock.now().date())
    rows = (
        await ShopRatingDay.filter(shop_id=shop_id, day__gte=since)
        .group_by("category_id")
        .annotate(
            n=Sum("store_count"),
            d=Sum("described_sum"),
            s=Sum("service_sum"),
            h=Sum("shipping_sum"),
            g=Sum("good"),
            u=Sum("neutral"),
            p=Sum("poor"),
        )
        .values("category_id", "n", "d", "s", "h", "g", "u", "p")
    )
    summary = ShopSummary()
    totals = dict.fromkeys("ndshgup", 0)
    for row in rows:
        for key in totals:
            totals[key] += int(row[key] or 0)
    summary.good, summary.neutral, summary.poor = totals["g"], totals["u"], totals["p"]
    rated = [r for r in rows if r["n"]]
    if rated:
        summary.category_id = max(rated, key=lambda r: (r["n"], -r["category_id"]))["category_id"]
    cat = {"n": 0, "d": 0, "s": 0, "h": 0}
    if summary.category_id is not None:
        [agg] = (
            await CategoryRatingDay.filter(category_id=summary.category_id, day__gte=since)
            .annotate(
                n=Sum("store_count"),
                d=Sum("described_sum"),
                s=Sum("service_sum"),
                h=Sum("shipping_sum"),
            )
            .values("n", "d", "s", "h")
        ) or [cat]
        cat = {k: int(agg[k] or 0) for k in cat}
    for name, key in zip(DIMENSIONS, "dsh", strict=True):
        summary.dimensions[name] = Dimension(
            average=_avg(totals[key], totals["n"]),
            count=totals["n"],
            category_average=_avg(cat[key], cat["n"]),
        )
    return summary


async def recompute_shop_summary(shop_id: int, today: date | None = None) -> ShopSummary:
    """The same summary straight from the raw ratings (slow; for checking the aggregates)."""
    since = window_start(today or clock.now().date())
    summary = ShopSummary()
    for rating in await Rating.filter(
        shop_id=shop_id, side=Side.BUYER, counted=True, revealed_at__not_isnull=True
    ):
        if rating.created_at.date() >= since:
            score = Score(rating.score)
            summary.good += score == Score.GOOD
            summary.neutral += score == Score.NEUTRAL
            summary.poor += score == Score.POOR
    stores = [s for s in await StoreRating.filter(shop_id=shop_id) if s.created_at.date() >= since]
    by_category: dict[int, int] = {}
    for s in stores:
        by_category[s.category_id] = by_category.get(s.category_id, 0) + 1
    if by_category:
        summary.category_id = max(by_category, key=lambda c: (by_category[c], -c))
    peers = [
        s
        for s in await StoreRating.filter(category_id=summary.category_id or -1)
        if s.created_at.date() >= since
    ]
    for name in DIMENSIONS:
        summary.dimensions[name] = Dimension(
            average=_avg(sum(getattr(s, name) for s in stores), len(stores)),
            count=len(stores),
            category_average=_avg(sum(getattr(s, name) for s in peers), len(peers)),
        )
    return summary
