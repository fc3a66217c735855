"""The marketplace through GraphQL: a shop opens, lists, sells, ships and gets paid; refunds
and disputes; visibility of drafts and orders."""

from __future__ import annotations

from typing import Any

from community.accounts import services as accounts
from community.accounts.models import Role
from community.catalog.models import Shop
from community.ledger import services as ledger
from tests.support import GraphQLClient, Member, make_member, operation, user_of


async def mutate(
    client: GraphQLClient, name: str, input: dict[str, Any] | None, member: Member
) -> dict[str, Any]:
    """Run a named mutation as ``member``; returns its payload after checking no errors."""
    variables = {"input": input} if input is not None else None
    data = await client(operation(name), variables, token=member.token)
    payload = next(iter(data.values()))
    assert payload["errors"] == [], payload["errors"]
    return payload  # type: ignore[no-any-return]


async def open_listing_shop(client: GraphQLClient, seller: Member, settings: Any) -> None:
    await mutate(client, "OpenShop", {"name": "Clay House", "description": "Stoneware"}, seller)
    await mutate(client, "StartShopVerification", None, seller)
    wrong = await client(
        operation("ConfirmShopVerification"), {"input": {"amount": 100}}, token=seller.token
    )
    assert wrong["confirmShopVerification"]["errors"][0]["code"] == "VERIFICATION_MISMATCH"
    sent = (await Shop.get(owner_id=seller.id)).verification_amount
    shop = await mutate(client, "ConfirmShopVerification", {"amount": sent}, seller)
    assert shop["shop"]["verification"] == "VERIFIED" and shop["shop"]["canList"] is False
    await mutate(client, "TopUp", {"amount": settings.shop_deposit_required}, seller)
    locked = await mutate(client, "LockDeposit", {"amount": settings.shop_deposit_required}, seller)
    assert locked["shop"]["canList"] is True


async def create_product(
    client: GraphQLClient, seller: Member, status: str = "ACTIVE"
) -> dict[str, Any]:
    categories = (await client(operation("Categories")))["categories"]
    crafts = next(c for c in categories if c["slug"] == "crafts")
    payload = await mutate(
        client,
        "CreateProduct",
        {
            "title": "Celadon teacup",
            "description": "Wheel-thrown, 120 ml.",
            "imageUrls": ["https://img.example.com/cup.jpg"],
            "categoryId": crafts["children"][0]["id"],
            "status": status,
            "variants": [
                {
                    "sku": "CUP-GREEN",
                    "price": 4_800,
                    "stock": 3,
                    "options": [{"name": "glaze", "value": "Green"}],
                },
                {
                    "sku": "CUP-WHITE",
                    "price": 4_200,
                    "stock": 1,
                    "options": [{"name": "glaze", "value": "White"}],
                },
            ],
        },
        seller,
    )
    product = (
        await client(operation("Product"), {"id": payload["product"]["id"]}, token=seller.token)
    )["product"]
    return product  # type: ignore[no-any-return]


async def test_shop_to_completed_order_through_graphql(client: GraphQLClient, settings) -> None:  # type: ignore[no-untyped-def]
    seller, buyer = await make_member("clayhouse"), await make_member("mei")
    await open_listing_shop(client, seller, settings)
    product = await create_product(client, seller)
    assert product["priceFrom"]["formatted"] == "¥42.00"
    green = next(v for v in product["variants"] if v["sku"] == "CUP-GREEN")

    address = await mutate(
        client,
        "AddAddress",
        {"recipient": "Mei", "phone": "13800000000", "line1": "1 Lake Rd", "city": "Hangzhou"},
        buyer,
    )
    await mutate(client, "TopUp", {"amount": 20_000, "idempotencyKey": "t1"}, buyer)
    await mutate(client, "TopUp", {"amount": 20_000, "idempotencyKey": "t1"}, buyer)  # replay
    cart = await mutate(client, "AddToCart", {"variantId": green["id"], "quantity": 2}, buyer)
    assert cart["cart"]["total"]["formatted"] == "¥96.00"
    checkout = await mutate(client, "Checkout", {"addressId": address["address"]["id"]}, buyer)
    [order] = checkout["orders"]
    assert order["status"] == "AWAITING_PAYMENT" and order["total"]["amount"] == 9_600

    paid = await mutate(client, "Pay", {"orderId": order["id"], "idempotencyKey": "p"}, buyer)
    again = await mutate(client, "Pay", {"orderId": order["id"], "idempotencyKey": "p"}, buyer)
    assert paid["order"]["status"] == again["order"]["status"] == "PAID"
    assert paid["order"]["escrow"]["amount"] == 9_600
    wallet = (await client(operation("Wallet"), token=buyer.token))["wallet"]
    assert wallet["balance"]["amount"] == 20_000 - 9_600

    refused = await client(
        operation("ShipOrder"),
        {"input": {"orderId": order["id"], "carrier": "SF", "trackingNumber": "SF123456"}},
        token=buyer.token,
    )
    assert refused["shipOrder"]["errors"][0]["code"] == "NOT_SELLER"
    await mutate(
        client,
        "ShipOrder",
        {"orderId": order["id"], "carrier": "SF", "trackingNumber": "SF123456"},
        seller,
    )
    shipped = (await client(operation("Order"), {"id": order["id"]}, token=buyer.token))["order"]
    assert shipped["autoConfirmAt"] is not None
    await mutate(
        client, "SendOrderMessage", {"orderId": order["id"], "body": "On its way!"}, seller
    )
    done = await mutate(
        client, "ConfirmReceipt", {"orderId": order["id"], "idempotencyKey": "c"}, buyer
    )
    assert done["order"]["status"] == "COMPLETED" and done["order"]["escrow"]["amount"] == 0
    assert done["order"]["autoConfirmAt"] is None  # no deadline left once closed

    detail = (await client(operation("Order"), {"id": order["id"]}, token=seller.token))["order"]
    assert [h["status"] for h in detail["history"]] == [
        "AWAITING_PAYMENT",
        "PAID",
        "SHIPPED",
        "COMPLETED",
    ]
    assert detail["messages"][0]["body"] == "On its way!" and detail["viewerRole"] == "SELLER"
    fee = 9_600 * settings.platform_fee_bps // 10_000
    assert detail["sellerProceeds"]["amount"] == 9_600 - fee
    shop_orders = (await client(operation("ShopOrders"), token=seller.token))["shopOrders"]
    assert [e["node"]["id"] for e in shop_orders["edges"]] == [order["id"]]
    assert await ledger.check_invariants() == []


async def test_drafts_and_orders_are_private(client: GraphQLClient, settings) -> None:  # type: ignore[no-untyped-def]
    seller, buyer, stranger = [await make_member(n) for n in ("clayhouse", "mei", "lin")]
    await open_listing_shop(client, seller, settings)
    draft = await create_product(client, seller, status="DRAFT")
    for who in (None, stranger.token):
        assert (await client(operation("Product"), {"id": draft["id"]}, token=who))[
            "product"
        ] is None
        node = await client(
            "query($id: ID!) { node(id: $id) { id } }", {"id": draft["id"]}, token=who
        )
        assert node["node"] is None
    listed = (await client(operation("Products")))["products"]["edges"]
    assert listed == []
    own = await client(operation("MyShop"), token=seller.token)
    assert [e["node"]["status"] for e in own["myShop"]["products"]["edges"]] == ["DRAFT"]

    await mutate(client, "SetProductStatus", {"id": draft["id"], "status": "ACTIVE"}, seller)
    variant = draft["variants"][0]["id"]
    address = await mutate(
        client,
        "AddAddress",
        {"recipient": "Mei", "phone": "13800000000", "line1": "1 Lake Rd", "city": "Hangzhou"},
        buyer,
    )
    placed = await mutate(
        client,
        "PlaceOrder",
        {"addressId": address["address"]["id"], "items": [{"variantId": variant, "quantity": 1}]},
        buyer,
    )
    order_id = placed["orders"][0]["id"]
    assert (await client(operation("Order"), {"id": order_id}, token=stranger.token))[
        "order"
    ] is None
    node = await client(
        "query($id: ID!) { node(id: $id) { id } }", {"id": order_id}, token=stranger.token
    )
    assert node["node"] is None
    denied = await client(operation("Pay"), {"input": {"orderId": order_id}}, token=stranger.token)
    assert denied["pay"]["errors"][0]["code"] == "ORDER_NOT_FOUND"
    bad_id = await client(operation("Pay"), {"input": {"orderId": variant}}, token=buyer.token)
    assert bad_id["pay"]["errors"][0] == {
        "field": "orderId",
        "code": "INVALID_ID",
        "message": "Expected the ID of a Order, got one of a Variant.",
    }


async def test_refund_refused_dispute_decided_by_admin(client: GraphQLClient, settings) -> None:  # type: ignore[no-untyped-def]
    seller, buyer, admin = [await make_member(n) for n in ("clayhouse", "mei", "boss")]
    await accounts.grant_role(None, await user_of(admin), Role.ADMIN)
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
        {"orderId": order_id, "carrier": "SF", "trackingNumber": "SF777777"},
        seller,
    )
    too_much = await client(
        operation("RequestRefund"),
        {"input": {"orderId": order_id, "amount": 999_999, "reason": "Cracked"}},
        token=buyer.token,
    )
    assert too_much["requestRefund"]["errors"][0]["field"] == "amount"
    await mutate(
        client, "RequestRefund", {"orderId": order_id, "amount": 4_800, "reason": "Cracked"}, buyer
    )
    await mutate(
        client,
        "RespondToRefund",
        {"orderId": order_id, "accept": False, "note": "It was fine"},
        seller,
    )
    disputes = (await client(operation("Disputes"), token=admin.token))["disputes"]["edges"]
    assert [d["node"]["order"]["id"] for d in disputes] == [order_id]
    forbidden = await client.post(operation("Disputes"), token=buyer.token)
    assert forbidden.json()["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    decided = await mutate(
        client,
        "DecideDispute",
        {
            "orderId": order_id,
            "refundAmount": 4_800,
            "violationFee": 1_000,
            "note": "Photos show cracks",
        },
        admin,
    )
    assert decided["order"]["status"] == "REFUNDED"
    wallet = (await client(operation("Wallet"), token=buyer.token))["wallet"]
    assert wallet["balance"]["amount"] == 10_000 + 1_000
    assert await ledger.check_invariants() == []


async def test_product_search_in_english_and_chinese(client: GraphQLClient, settings) -> None:  # type: ignore[no-untyped-def]
    from community.catalog import search

    search.index().clear()  # the index directory outlives the per-test database
    seller = await make_member("clayhouse")
    await open_listing_shop(client, seller, settings)
    product = await create_product(client, seller)
    await mutate(
        client,
        "UpdateProduct",
        {"id": product["id"], "description": "Wheel-thrown 青瓷茶杯 for slow mornings."},
        seller,
    )
    assert await search.drain() >= 1  # the worker's indexer
    query = "query($q: String) { products(search: $q) { edges { node { id title } } } }"
    for words in ("teacups", "茶杯", "slow morning"):
        edges = (await client(query, {"q": words}))["products"]["edges"]
        assert [e["node"]["id"] for e in edges] == [product["id"]], words
    assert (await client(query, {"q": "kayak"}))["products"]["edges"] == []
    await mutate(client, "SetProductStatus", {"id": product["id"], "status": "DELISTED"}, seller)
    await search.drain()
    assert (await client(query, {"q": "teacups"}))["products"]["edges"] == []
