"""Ratings through GraphQL: rate a completed order from both sides, hidden until both,
then shown on the shop page with credit, store bars and replies."""

from __future__ import annotations

from community.ratings.models import Rating
from tests.api.test_marketplace import create_product, mutate, open_listing_shop
from tests.support import GraphQLClient, make_member, operation


async def completed_order(client: GraphQLClient, settings) -> tuple:  # type: ignore[no-untyped-def,type-arg]
    seller, buyer = await make_member("clayhouse"), await make_member("mei")
    await open_listing_shop(client, seller, settings)
    product = await create_product(client, seller)
    address = await mutate(
        client,
        "AddAddress",
        {"recipient": "Mei", "phone": "13800000000", "line1": "1 Lake Rd", "city": "Hangzhou"},
        buyer,
    )
    await mutate(client, "TopUp", {"amount": 10_000}, buyer)
    placed = await mutate(
        client,
        "PlaceOrder",
        {
            "addressId": address["address"]["id"],
            "items": [{"variantId": product["variants"][0]["id"], "quantity": 1}],
        },
        buyer,
    )
    order_id = placed["orders"][0]["id"]
    await mutate(client, "Pay", {"orderId": order_id}, buyer)
    await mutate(
        client,
        "ShipOrder",
        {"orderId": order_id, "carrier": "SF", "trackingNumber": "SF222222"},
        seller,
    )
    await mutate(client, "ConfirmReceipt", {"orderId": order_id}, buyer)
    return seller, buyer, order_id


async def test_rate_both_sides_then_see_it_on_the_shop_page(
    client: GraphQLClient, settings
) -> None:  # type: ignore[no-untyped-def]
    seller, buyer, order_id = await completed_order(client, settings)
    ratings = (await client(operation("Order"), {"id": order_id}, token=buyer.token))["order"][
        "ratings"
    ]
    assert ratings["canRate"] is True and ratings["mine"] is None

    missing = await client(
        operation("RateOrder"), {"input": {"orderId": order_id, "score": "GOOD"}}, token=buyer.token
    )
    assert missing["rateOrder"]["errors"][0]["code"] == "STORE_SCORES_INVALID"
    rated = await mutate(
        client,
        "RateOrder",
        {
            "orderId": order_id,
            "score": "NEUTRAL",
            "comment": "Nice but slow",
            "described": 5,
            "service": 4,
            "shipping": 2,
        },
        buyer,
    )
    assert rated["rating"]["revealed"] is False

    seen_by_seller = (await client(operation("Order"), {"id": order_id}, token=seller.token))[
        "order"
    ]["ratings"]
    assert seen_by_seller["theirsSubmitted"] is True and seen_by_seller["theirs"] is None
    hidden_id = rated["rating"]["id"]
    node = await client(
        "query($id: ID!) { node(id: $id) { id } }", {"id": hidden_id}, token=seller.token
    )
    assert node["node"] is None
    shop = (await client(operation("ShopPage"), {"owner": "clayhouse"}))["shop"]
    assert shop["ratings"]["edges"] == [] and shop["ratingSummary"]["good"] == 0

    await mutate(
        client, "RateOrder", {"orderId": order_id, "score": "GOOD", "comment": "Paid fast"}, seller
    )
    reply = await mutate(
        client, "ReplyToRating", {"ratingId": hidden_id, "body": "Sorry for the wait!"}, seller
    )
    assert reply["rating"]["reply"] == "Sorry for the wait!"

    shop = (await client(operation("ShopPage"), {"owner": "clayhouse"}))["shop"]
    summary = shop["ratingSummary"]
    assert (summary["good"], summary["neutral"], summary["goodRate"]) == (0, 1, 0.0)
    assert summary["described"] == {"average": 5.0, "count": 1, "categoryAverage": 5.0}
    assert (
        summary["shipping"]["average"] == 2.0 and summary["category"]["name"] == "Handmade & Crafts"
    )
    [edge] = shop["ratings"]["edges"]
    assert (
        edge["node"]["comment"] == "Nice but slow"
        and edge["node"]["reply"] == "Sorry for the wait!"
    )
    assert shop["credit"]["score"] == 0

    upgraded = await mutate(client, "UpgradeRating", {"ratingId": hidden_id}, buyer)
    assert upgraded["rating"]["score"] == "GOOD" and upgraded["rating"]["changed"] is True
    profile = (await client(operation("UserProfile"), {"username": "mei"}))["user"]
    assert profile["buyerCredit"]["score"] == 1 and profile["buyerCredit"]["level"] is None
    shop = (await client(operation("ShopPage"), {"owner": "clayhouse"}))["shop"]
    assert shop["credit"]["score"] == 1 and shop["ratingSummary"]["goodRate"] == 1.0
    assert await Rating.all().count() == 2


async def test_shop_page_costs_constant_queries(client: GraphQLClient, settings) -> None:  # type: ignore[no-untyped-def]
    """The shop page's SQL count does not grow with its ratings."""
    from tests.support import count_queries

    seller, buyer, order_id = await completed_order(client, settings)
    await mutate(
        client,
        "RateOrder",
        {"orderId": order_id, "score": "GOOD", "described": 5, "service": 5, "shipping": 5},
        buyer,
    )
    await mutate(client, "RateOrder", {"orderId": order_id, "score": "GOOD"}, seller)
    with count_queries() as one:
        await client(operation("ShopPage"), {"owner": "clayhouse"})
    for _ in range(2):  # the variant has 3 in stock
        _, _, more = await completed_order_again(client, seller, buyer)
        await mutate(
            client,
            "RateOrder",
            {"orderId": more, "score": "POOR", "described": 1, "service": 2, "shipping": 3},
            buyer,
        )
        await mutate(client, "RateOrder", {"orderId": more, "score": "GOOD"}, seller)
    with count_queries() as three:
        page = await client(operation("ShopPage"), {"owner": "clayhouse"})
    assert len(page["shop"]["ratings"]["edges"]) == 3
    assert three.count == one.count, (one.count, three.count)


async def completed_order_again(client: GraphQLClient, seller, buyer) -> tuple:  # type: ignore[no-untyped-def,type-arg]
    shop = (await client(operation("ShopPage"), {"owner": seller.username}))["shop"]
    product = (
        await client(operation("Product"), {"id": shop["products"]["edges"][0]["node"]["id"]})
    )["product"]
    addresses = (await client(operation("Cart"), token=buyer.token))["addresses"]
    await mutate(client, "TopUp", {"amount": 10_000}, buyer)
    placed = await mutate(
        client,
        "PlaceOrder",
        {
            "addressId": addresses[0]["id"],
            "items": [{"variantId": product["variants"][0]["id"], "quantity": 1}],
        },
        buyer,
    )
    order_id = placed["orders"][0]["id"]
    await mutate(client, "Pay", {"orderId": order_id}, buyer)
    await mutate(
        client,
        "ShipOrder",
        {"orderId": order_id, "carrier": "SF", "trackingNumber": "SF333333"},
        seller,
    )
    await mutate(client, "ConfirmReceipt", {"orderId": order_id}, buyer)
    return seller, buyer, order_id


async def test_store_scores_stay_hidden_with_the_rating(client: GraphQLClient, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.api.test_marketplace import mutate as run

    seller, buyer, order_id = await completed_order(client, settings)
    await run(
        client,
        "RateOrder",
        {"orderId": order_id, "score": "POOR", "described": 1, "service": 2, "shipping": 3},
        buyer,
    )
    query = (
        "query($id: ID!) { order(id: $id) { ratings { storeScores { described } theirs { id } } } }"
    )
    mine = (await client(query, {"id": order_id}, token=buyer.token))["order"]["ratings"]
    assert mine["storeScores"] == {"described": 1}
    theirs = (await client(query, {"id": order_id}, token=seller.token))["order"]["ratings"]
    assert theirs == {"storeScores": None, "theirs": None}
    await run(client, "RateOrder", {"orderId": order_id, "score": "GOOD"}, seller)
    revealed = (await client(query, {"id": order_id}, token=seller.token))["order"]["ratings"]
    assert revealed["storeScores"] == {"described": 1} and revealed["theirs"] is not None
