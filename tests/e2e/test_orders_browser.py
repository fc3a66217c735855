"""The order pages in a real browser: a buyer and a seller (two browser contexts) take an
order through escrow — pay, ship, confirm receipt — then rate each other (hidden until both
rated), the seller replies; and a refused refund goes to an admin who decides it.

The shop and the product are set up over the GraphQL API (the catalog pages belong to
another part of the web app); everything the people do afterwards happens in the pages."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.e2e.servers import ROOT, LiveServer

pytestmark = pytest.mark.e2e

PASSWORD = "plum blossom teapot 42"
OPERATIONS = {
    path.stem: path.read_text() for path in (ROOT / "graphql" / "operations").glob("*.graphql")
}
FEE_BPS = 200  # PLATFORM_FEE_BPS default


def yuan(fen: int) -> str:
    """How Money.formatted and the web app write an amount: 24500 → ¥245.00."""
    return f"¥{fen // 100:,}.{fen % 100:02d}"


class Api:
    """One person's GraphQL client over HTTP (bearer token, named operations)."""

    def __init__(self, server: LiveServer, token: str = "") -> None:
        self.server = server
        self.token = token

    async def __call__(self, name: str, variables: dict[str, Any] | None = None) -> Any:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        async with httpx.AsyncClient(timeout=20) as http:
            response = await http.post(
                self.server.graphql_url,
                json={"query": OPERATIONS[name], "variables": variables or {}},
                headers=headers,
            )
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), body
        return body["data"]

    async def mutate(self, name: str, input: dict[str, Any] | None = None) -> Any:
        data = await self(name, {"input": input} if input is not None else {})
        payload = next(iter(data.values()))
        assert payload["errors"] == [], payload["errors"]
        return payload

    async def balance(self) -> int:
        return int((await self("Wallet"))["wallet"]["balance"]["amount"])


def database(server: LiveServer) -> Path:
    return server.log_path.parent / "haowu.sqlite3"


async def register(server: LiveServer, username: str) -> Api:
    api = Api(server)
    payload = await api.mutate(
        "Register",
        {"username": username, "email": f"{username}@example.com", "password": PASSWORD},
    )
    api.token = payload["token"]
    return api


async def open_shop(server: LiveServer, seller: Api, name: str) -> None:
    """Open, verify (the micro-deposit is read where the bank statement would be: the
    database) and fund the deposit, so the shop can list."""
    await seller.mutate("OpenShop", {"name": name, "description": "Hand-thrown stoneware."})
    shop = (await seller.mutate("StartShopVerification"))["shop"]
    with sqlite3.connect(database(server)) as db:
        (amount,) = db.execute(
            "SELECT verification_amount FROM catalog_shop WHERE name = ?", (name,)
        ).fetchone()
    db.close()
    await seller.mutate("ConfirmShopVerification", {"amount": amount})
    required = 50_000
    await seller.mutate("TopUp", {"amount": required, "idempotencyKey": str(uuid.uuid4())})
    await seller.mutate("LockDeposit", {"amount": required, "idempotencyKey": str(uuid.uuid4())})
    assert shop["id"]


async def list_product(seller: Api, title: str, price: int) -> str:
    """An active product with one variant; returns the variant's id."""
    categories = (await seller("Categories"))["categories"]
    crafts = next(c for c in categories if c["slug"].startswith("crafts"))
    category = (crafts["children"] or [crafts])[0]
    product = (
        await seller.mutate(
            "CreateProduct",
            {
                "title": title,
                "categoryId": category["id"],
                "variants": [{"sku": f"SKU-{uuid.uuid4().hex[:8]}", "price": price, "stock": 5}],
                "status": "ACTIVE",
            },
        )
    )["product"]
    variants = (await seller("Product", {"id": product["id"]}))["product"]["variants"]
    return str(variants[0]["id"])


async def place_order(buyer: Api, variant_id: str, quantity: int) -> dict[str, Any]:
    address = (
        await buyer.mutate(
            "AddAddress",
            {
                "recipient": "Lin Yue",
                "phone": "+86 138 0000 0000",
                "line1": "88 West Lake Road",
                "city": "Hangzhou",
                "makeDefault": True,
            },
        )
    )["address"]
    orders = (
        await buyer.mutate(
            "PlaceOrder",
            {
                "addressId": address["id"],
                "items": [{"variantId": variant_id, "quantity": quantity}],
            },
        )
    )["orders"]
    assert len(orders) == 1
    return dict(orders[0])


async def log_in(new_page: Any, server: LiveServer, username: str, width: int = 1200) -> Page:
    page: Page = await new_page(width)
    await page.goto(f"{server.url}/login")
    await page.fill("#f-login", username)
    await page.fill("#f-password", PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_url(lambda url: "/login" not in url)
    return page


async def page_exists(page: Page, url: str) -> bool:
    """Whether the web app has a page at ``url`` (another part of the app may not yet)."""
    await page.goto(url)
    await page.wait_for_load_state("networkidle")
    await expect(page.locator("main .loading")).to_have_count(0)
    return await page.get_by_text("There is nothing at this address").count() == 0


async def shows_balance(page: Page, server: LiveServer, api: Api, expected: int) -> None:
    """The wallet page shows the balance when it exists; the API agrees either way."""
    assert await api.balance() == expected
    if await page_exists(page, f"{server.url}/wallet"):
        await expect(page.locator("main").get_by_text(yuan(expected)).first).to_be_visible()


def status_badge(page: Page) -> Any:
    return page.locator(".order-head .status")


async def test_buy_ship_confirm_and_rate_each_other(server: LiveServer, new_page: Any) -> None:
    seller = await register(server, "potter")
    await open_shop(server, seller, "Potter's Wheel")
    variant = await list_product(seller, "Ash-glaze tea bowl", price=12_500)
    seller_before = await seller.balance()  # the verification micro-deposit
    buyer = await register(server, "linyue")
    top_up = 100_000
    await buyer.mutate("TopUp", {"amount": top_up, "idempotencyKey": str(uuid.uuid4())})
    order = await place_order(buyer, variant, quantity=2)
    total = 25_000
    assert order["total"]["amount"] == total

    # The buyer finds the order among theirs and pays on its page.
    b = await log_in(new_page, server, "linyue")
    await b.get_by_role("link", name="Orders", exact=True).click()
    await b.get_by_role("link", name="To pay").click()
    card = b.locator(f"a.order-card[data-order='{order['number']}']")
    await expect(card).to_contain_text("Potter's Wheel")
    await expect(card).to_contain_text("Ash-glaze tea bowl × 2")
    await expect(card).to_contain_text(yuan(total))
    await card.click()
    await expect(b.get_by_role("heading", name=f"Order {order['number']}")).to_be_visible()
    await expect(status_badge(b)).to_have_text("Awaiting payment")
    await expect(b.get_by_text("Pay by")).to_be_visible()
    await expect(b.get_by_text("Wallet balance:")).to_contain_text(yuan(top_up))
    await b.get_by_role("button", name=f"Pay {yuan(total)}").click()
    await expect(status_badge(b)).to_have_text("Paid, to ship")
    await expect(b.locator(".money")).to_contain_text(f"Held in escrow{yuan(total)}")
    order_url = b.url

    # The seller finds it in Sales and ships it from the order page.
    s = await log_in(new_page, server, "potter")
    await s.get_by_role("link", name="Sales").click()
    sale = s.locator(f"a.order-card[data-order='{order['number']}']")
    await expect(sale).to_contain_text("linyue")
    await expect(sale).to_contain_text("Your move")
    await sale.click()
    await expect(s.get_by_role("heading", name="Ship this order")).to_be_visible()
    await s.get_by_role("button", name="Mark as shipped").click()
    await expect(s.locator("#ship-carrier-error")).to_have_text("Name the carrier.")
    await s.fill("#ship-carrier", "SF Express")
    await s.fill("#ship-trackingNumber", "SF1234567890")
    await s.get_by_role("button", name="Mark as shipped").click()
    await expect(status_badge(s)).to_have_text("Shipped")
    await expect(s.locator(".history")).to_contain_text("SF Express SF1234567890")
    assert s.url == order_url

    # The buyer sees it on its way and confirms receipt (after a confirmation dialog).
    await b.reload()
    await expect(status_badge(b)).to_have_text("Shipped")
    await expect(b.get_by_text("Receipt is confirmed automatically on")).to_be_visible()
    await b.get_by_role("button", name="Confirm receipt").click()
    dialog = b.locator("dialog[open]")
    await expect(dialog).to_contain_text(
        f"Confirming releases {yuan(total)} from escrow to Potter's Wheel"
    )
    await dialog.get_by_role("button", name="Yes, confirm receipt").click()
    await expect(status_badge(b)).to_have_text("Completed")
    await expect(b.locator(".history")).to_contain_text("Receipt confirmed")
    proceeds = total - total * FEE_BPS // 10_000
    await expect(b.locator(".money")).to_contain_text(f"Paid to the seller{yuan(proceeds)}")

    # Both wallets: the buyer paid the total; the seller got it minus the 2 % fee.
    await shows_balance(b, server, buyer, top_up - total)
    await shows_balance(s, server, seller, seller_before + proceeds)

    # Ratings: the buyer rates neutral with 5/4/3 stars and a comment.
    await b.goto(order_url)
    ratings = b.locator("section.ratings")
    await expect(ratings.get_by_text("Rate by")).to_be_visible()
    await b.locator("label[for=rate-score-neutral]").click()
    await b.locator("label[for=rate-described-5]").click()
    await b.locator("label[for=rate-service-4]").click()
    await b.locator("label[for=rate-shipping-3]").click()
    await b.fill("#rate-comment", "Pretty bowl, but the glaze is thinner than pictured.")
    await b.get_by_role("button", name="Submit rating").click()
    mine = b.locator("[data-rating=mine]")
    await expect(mine).to_contain_text("Neutral")
    await expect(mine).to_contain_text("thinner than pictured")
    await expect(mine.get_by_label("As described: 5 of 5 stars")).to_be_visible()
    await expect(mine.get_by_label("Service: 4 of 5 stars")).to_be_visible()
    await expect(mine.get_by_label("Shipping: 3 of 5 stars")).to_be_visible()
    await expect(mine).to_contain_text("Hidden from Potter's Wheel until they rate")
    await expect(ratings).to_contain_text("Potter's Wheel hasn't rated yet.")

    # The seller knows the buyer rated, but not how.
    await s.goto(order_url)
    seller_ratings = s.locator("section.ratings")
    await expect(seller_ratings).to_contain_text(
        "They have rated; you'll see it when you rate or when the window closes."
    )
    await expect(s.get_by_text("thinner than pictured")).to_have_count(0)
    await expect(s.locator("[data-rating=theirs]")).to_have_count(0)
    await expect(seller_ratings.get_by_text("Neutral", exact=True)).to_have_count(0)

    # The seller rates good; now both are revealed to both.
    await s.locator("label[for=rate-score-good]").click()
    await expect(s.locator("#rate-described-1")).to_have_count(0)  # buyers score the shop
    await s.fill("#rate-comment", "Paid at once, friendly messages. Welcome back!")
    await s.get_by_role("button", name="Submit rating").click()
    theirs = s.locator("[data-rating=theirs]")
    await expect(theirs).to_contain_text("linyue's rating of you")
    await expect(theirs).to_contain_text("Neutral")
    await expect(theirs).to_contain_text("thinner than pictured")
    await expect(theirs.get_by_label("Service: 4 of 5 stars")).to_be_visible()
    await expect(s.locator("[data-rating=mine]")).to_contain_text("Good")

    await b.reload()
    await expect(b.locator("[data-rating=theirs]")).to_contain_text("Welcome back!")
    await expect(b.locator("[data-rating=theirs]")).to_contain_text("Good")
    await expect(b.locator("[data-rating=mine]")).to_contain_text("Neutral")
    await expect(b.locator("[data-rating=mine]")).not_to_contain_text("Hidden from")

    # The rated seller replies, once.
    await theirs.get_by_role("button", name="Reply").click()
    await s.fill("#reply-body", "Thank you! The next batch has a thicker glaze.")
    await s.get_by_role("button", name="Post reply").click()
    await expect(theirs).to_contain_text("Your reply: Thank you! The next batch")
    await expect(theirs.get_by_role("button", name="Reply")).to_have_count(0)
    await b.reload()
    await expect(b.locator("[data-rating=mine]")).to_contain_text(
        "Potter's Wheel replied: Thank you! The next batch has a thicker glaze."
    )

    # The shop shows the rating and the reply.
    if await page_exists(s, f"{server.url}/shops/potter"):
        await expect(s.get_by_text("thinner than pictured").first).to_be_visible()
        await expect(s.get_by_text("The next batch has a thicker glaze.").first).to_be_visible()
    else:
        shop = (await Api(server)("ShopPage", {"owner": "potter"}))["shop"]
        shown = [edge["node"] for edge in shop["ratings"]["edges"]]
        assert [(r["score"], r["comment"], r["reply"]) for r in shown] == [
            (
                "NEUTRAL",
                "Pretty bowl, but the glaze is thinner than pictured.",
                "Thank you! The next batch has a thicker glaze.",
            )
        ]

    # The buyer may still turn neutral into good (never back).
    await b.get_by_role("button", name="Change to good").click()
    await b.locator("dialog[open]").get_by_role("button", name="Change to good").click()
    await expect(b.locator("[data-rating=mine]")).to_contain_text("changed to good")
    await expect(b.get_by_role("button", name="Change to good")).to_have_count(0)


async def test_refused_refund_goes_to_an_admin_who_decides(
    server: LiveServer, new_page: Any
) -> None:
    seller = await register(server, "weaver")
    await open_shop(server, seller, "Weaver's Loom")
    variant = await list_product(seller, "Indigo table runner", price=8_000)
    seller_before = await seller.balance()
    buyer = await register(server, "qiao")
    admin = await register(server, "moderator")
    with sqlite3.connect(database(server)) as db:
        db.execute(
            "INSERT INTO accounts_user_role (role, granted_at, user_id) "
            "SELECT 'ADMIN', '2026-01-01 00:00:00+00:00', id FROM accounts_user "
            "WHERE username = 'moderator'"
        )
    db.close()
    order = await place_order(buyer, variant, quantity=1)

    # Paying with an empty wallet says so and links to the wallet.
    b = await log_in(new_page, server, "qiao")
    await b.goto(f"{server.url}/orders/{order['id']}")
    await b.get_by_role("button", name="Pay ¥80.00").click()
    alert = b.locator(".pay-box .form-error")
    await expect(alert).to_contain_text("Your wallet balance is too low")
    await expect(alert.get_by_role("link", name="Top up your wallet")).to_have_attribute(
        "href", "/wallet"
    )
    await buyer.mutate("TopUp", {"amount": 20_000, "idempotencyKey": str(uuid.uuid4())})
    await b.get_by_role("button", name="Pay ¥80.00").click()
    await expect(status_badge(b)).to_have_text("Paid, to ship")
    await seller.mutate(
        "ShipOrder", {"orderId": order["id"], "carrier": "EMS", "trackingNumber": "EMS0001"}
    )

    # The buyer asks for part of the money back; too much is refused next to the field.
    await b.reload()
    await b.get_by_role("button", name="Request a refund").click()
    await expect(b.locator("#refund-amount")).to_have_value("80.00")
    await b.fill("#refund-amount", "90")
    await b.fill("#refund-reason", "The colour runs in the first wash.")
    await b.get_by_role("button", name="Request refund").click()
    await expect(b.locator("#refund-amount-error")).to_have_text("Ask for between 0.01 and 80.00.")
    await b.fill("#refund-amount", "60.00")
    await b.get_by_role("button", name="Request refund").click()
    await expect(status_badge(b)).to_have_text("Refund requested")
    await b.fill("#msg-body", "Photos: the water turned blue after one wash.")
    await b.get_by_role("button", name="Send message").click()
    await expect(b.locator(".messages")).to_contain_text("the water turned blue")
    await expect(b.locator("#msg-body")).to_have_value("")

    # The seller refuses (a note is required).
    s = await log_in(new_page, server, "weaver")
    await s.goto(f"{server.url}/orders/{order['id']}")
    await expect(s.get_by_text("The buyer asks for ¥60.00")).to_be_visible()
    await s.locator("label[for=respond-answer-refuse]").click()
    await s.get_by_role("button", name="Send answer").click()
    await expect(s.locator("#respond-note-error")).to_have_text("Say why you refuse.")
    await s.fill("#respond-note", "Indigo bleeds a little at first; the listing says so.")
    await s.get_by_role("button", name="Send answer").click()
    await expect(status_badge(s)).to_have_text("Disputed")

    # Others are told the disputes page is for admins.
    await b.goto(f"{server.url}/admin/disputes")
    await expect(b.get_by_role("heading", name="Admins only")).to_be_visible()

    # The admin reads the dispute, opens the order with its thread and decides.
    a = await log_in(new_page, server, "moderator")
    await a.get_by_role("link", name="Disputes").click()
    dispute = a.locator(".dispute-card", has_text=order["number"])
    await expect(dispute).to_contain_text("qiao")
    await expect(dispute).to_contain_text("Weaver's Loom")
    await expect(dispute).to_contain_text("¥60.00")
    await expect(dispute).to_contain_text("The colour runs in the first wash.")
    await expect(dispute).to_contain_text("the listing says so")
    await dispute.get_by_role("link", name="Review and decide").click()
    await expect(a.locator(".messages")).to_contain_text("the water turned blue")
    await expect(a.locator("#decide-refundAmount")).to_have_value("60.00")
    await a.fill("#decide-violationFee", "10")
    await a.fill("#decide-note", "Bleeding dye is a defect; partial refund and a fee.")
    await a.get_by_role("button", name="Decide").click()
    await expect(status_badge(a)).to_have_text("Completed")
    await expect(a.locator(".refunds")).to_contain_text("¥60.00 refunded")
    await expect(a.locator(".refunds")).to_contain_text("¥10.00 violation fee")

    released = 8_000 - 6_000
    assert await buyer.balance() == 20_000 - 8_000 + 6_000 + 1_000
    assert await seller.balance() == seller_before + released - released * FEE_BPS // 10_000
    await b.goto(f"{server.url}/orders/{order['id']}")
    await expect(b.locator(".money")).to_contain_text("Refunded to the buyer¥60.00")
    assert (await admin("Disputes", {"openOnly": True}))["disputes"]["edges"] == []
