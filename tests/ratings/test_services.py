"""Ratings through the services: windows, hidden-until-both, the automatic good rating,
replies, upgrades, rolling aggregates recomputed from raw ratings, and races."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from community.catalog.models import Variant
from community.infra import clock, jobs
from community.infra.errors import DomainError
from community.ledger import services as ledger
from community.orders import services as orders
from community.ratings import services as ratings
from community.ratings.models import Credit, CreditRole, Rating, Score
from community.ratings.services import StoreScores
from community.ratings.summary import recompute_shop_summary, shop_summary
from tests.support import add_address, make_member, make_product, open_ready_shop, user_of

FIVE = StoreScores(5, 5, 5)


@pytest.fixture
async def deal():  # type: ignore[no-untyped-def]
    """A seller, a buyer with money, and a way to complete orders between them."""
    seller = await make_member("clayhouse")
    shop = await open_ready_shop(seller)
    product = await make_product(seller, price=1_000, stock=500)
    variant = await Variant.get(product_id=product.id)
    buyer = await make_member("mei")
    address = await add_address(buyer)
    await ledger.top_up(buyer.id, amount=400_000)
    b, s = await user_of(buyer), await user_of(seller)

    async def completed() -> int:
        [order] = await orders.place_order(b, items=[(variant.id, 1)], address_id=address.id)
        await orders.pay(b, order.id)
        await orders.ship_order(s, order.id, carrier="SF", tracking_number="SF000001")
        await orders.confirm_receipt(b, order.id)
        return order.id

    return b, s, shop, completed


async def credit(user_id: int, role: CreditRole) -> int:
    row = await Credit.get_or_none(user_id=user_id, role=role)
    return row.score if row else 0


async def refusal(awaitable) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as info:
        await awaitable
    return str(info.value.code)


async def test_ratings_stay_hidden_until_both_sides_rate(deal) -> None:  # type: ignore[no-untyped-def]
    b, s, shop, completed = deal
    order_id = await completed()
    mine = await ratings.rate_order(b, order_id, score=Score.POOR, comment="Chipped", store=FIVE)
    assert mine.revealed_at is None
    assert await credit(s.id, CreditRole.SELLER) == 0  # hidden ratings count for nothing
    theirs = await ratings.rate_order(s, order_id, score=Score.GOOD, comment="Quick payer")
    assert theirs.revealed_at is not None
    assert (await Rating.get(id=mine.id)).revealed_at is not None
    assert await credit(s.id, CreditRole.SELLER) == -1
    assert await credit(b.id, CreditRole.BUYER) == 1
    assert (
        await refusal(ratings.rate_order(b, order_id, score=Score.GOOD, store=FIVE))
        == "ALREADY_RATED"
    )


async def test_window_and_automatic_good_rating(deal) -> None:  # type: ignore[no-untyped-def]
    b, s, shop, completed = deal
    with clock.use(clock.FrozenClock()) as frozen:
        order_id = await completed()
        await ratings.rate_order(s, order_id, score=Score.NEUTRAL)
        frozen.advance(ratings.RATING_WINDOW + timedelta(seconds=1))  # type: ignore[attr-defined]
        code = await refusal(ratings.rate_order(b, order_id, score=Score.POOR, store=FIVE))
        assert code == "RATING_WINDOW_CLOSED"
        await jobs.run_sweeps()
        await jobs.run_sweeps()  # safe twice
        auto = await Rating.get(order_id=order_id, side="BUYER")
        assert auto.automatic and auto.score == Score.GOOD and auto.revealed_at is not None
        assert await credit(s.id, CreditRole.SELLER) == 1
        assert await credit(b.id, CreditRole.BUYER) == 0  # the seller's neutral, revealed
        assert (await Rating.get(order_id=order_id, side="SELLER")).revealed_at is not None


async def test_only_parties_of_completed_orders_rate(deal) -> None:  # type: ignore[no-untyped-def]
    b, s, shop, completed = deal
    stranger = await user_of(await make_member("lin"))
    order_id = await completed()
    assert await refusal(ratings.rate_order(stranger, order_id, score=Score.GOOD)) == "NOT_A_PARTY"
    assert (
        await refusal(ratings.rate_order(b, order_id, score=Score.GOOD)) == "STORE_SCORES_INVALID"
    )
    code = await refusal(
        ratings.rate_order(b, order_id, score=Score.GOOD, store=StoreScores(6, 5, 5))
    )
    assert code == "STORE_SCORES_INVALID"
    assert (
        await refusal(ratings.rate_order(s, order_id, score=Score.GOOD, store=FIVE))
        == "STORE_SCORES_INVALID"
    )
    assert await Rating.all().count() == 0


async def test_fully_refunded_orders_cannot_be_rated(deal) -> None:  # type: ignore[no-untyped-def]
    b, s, shop, completed = deal
    variant = await Variant.filter(product__shop_id=shop.id).first()
    [order] = await orders.place_order(
        b,
        items=[(variant.id, 1)],
        address_id=(await add_address_for(b)).id,  # type: ignore[union-attr]
    )
    await orders.pay(b, order.id)
    await orders.ship_order(s, order.id, carrier="SF", tracking_number="SF000002")
    await orders.request_refund(b, order.id, amount=order.total, reason="Never arrived")
    await orders.respond_to_refund(s, order.id, accept=True)
    assert (
        await refusal(ratings.rate_order(b, order.id, score=Score.POOR, store=FIVE))
        == "NOT_RATEABLE"
    )


async def add_address_for(user):  # type: ignore[no-untyped-def]
    from community.orders import cart

    return await cart.add_address(
        user, recipient="x", phone="13800000000", line1="1 Rd", city="Hangzhou"
    )


async def test_reply_once_and_upgrade_only_upwards(deal) -> None:  # type: ignore[no-untyped-def]
    b, s, shop, completed = deal
    order_id = await completed()
    rating = await ratings.rate_order(b, order_id, score=Score.POOR, store=FIVE)
    assert await refusal(ratings.reply_to_rating(s, rating.id, body="Sorry")) == "NOT_REVEALED"
    await ratings.rate_order(s, order_id, score=Score.GOOD)
    replied = await ratings.reply_to_rating(s, rating.id, body="We sent a replacement.")
    assert replied.reply == "We sent a replacement."
    assert await refusal(ratings.reply_to_rating(s, rating.id, body="again")) == "ALREADY_REPLIED"
    assert await refusal(ratings.reply_to_rating(b, rating.id, body="me?")) == "NOT_RATED_PARTY"
    assert await credit(s.id, CreditRole.SELLER) == -1
    upgraded = await ratings.upgrade_rating(b, rating.id)
    assert upgraded.score == Score.GOOD and upgraded.original_score == Score.POOR
    assert await credit(s.id, CreditRole.SELLER) == 1
    assert await refusal(ratings.upgrade_rating(b, rating.id)) == "CANNOT_CHANGE_RATING"
    summary = await shop_summary(shop.id)
    assert (summary.good, summary.poor) == (1, 0)
    assert summary == await recompute_shop_summary(shop.id)

    later = await completed()
    with clock.use(clock.FrozenClock(clock.now())) as frozen:
        neutral = await ratings.rate_order(b, later, score=Score.NEUTRAL, store=FIVE)
        frozen.advance(ratings.CHANGE_WINDOW + timedelta(minutes=1))  # type: ignore[attr-defined]
        assert await refusal(ratings.upgrade_rating(b, neutral.id)) == "CANNOT_CHANGE_RATING"


async def test_rolling_six_month_aggregates_match_the_raw_ratings(deal) -> None:  # type: ignore[no-untyped-def]
    b, s, shop, completed = deal
    start = clock.now() - timedelta(days=200)
    with clock.use(clock.FrozenClock(start)) as frozen:
        for day, (score, stars) in enumerate(
            [(Score.POOR, 1), (Score.GOOD, 5), (Score.NEUTRAL, 3), (Score.GOOD, 4), (Score.GOOD, 5)]
        ):
            order_id = await completed()
            await ratings.rate_order(b, order_id, score=score, store=StoreScores(stars, stars, 5))
            await ratings.rate_order(s, order_id, score=Score.GOOD)
            frozen.advance(days=10 + day)  # type: ignore[attr-defined]
        # Walk the window across the boundary, day by day, comparing with the raw data.
        for _ in range(60):
            today = frozen.now().date()
            fast = await shop_summary(shop.id, today)
            assert fast == await recompute_shop_summary(shop.id, today), today
            frozen.advance(days=1)  # type: ignore[attr-defined]
    final = await shop_summary(shop.id)
    assert final.good + final.neutral + final.poor < 5  # the oldest fell out of the window


async def test_two_ratings_of_one_side_at_once_one_wins(deal) -> None:  # type: ignore[no-untyped-def]
    b, s, shop, completed = deal
    order_id = await completed()
    results = await asyncio.gather(
        *[ratings.rate_order(b, order_id, score=Score.GOOD, store=FIVE) for _ in range(5)],
        return_exceptions=True,
    )
    assert sum(isinstance(r, Rating) for r in results) == 1
    assert all(r.code == "ALREADY_RATED" for r in results if isinstance(r, DomainError))
    assert await Rating.filter(order_id=order_id).count() == 1
    summary = await shop_summary(shop.id)
    assert summary.dimensions["described"].count == 1
