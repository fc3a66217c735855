"""The shop side of the web app in a real browser: a creator opens a shop, passes the
micro-deposit verification (a wrong amount first), locks the deposit and lists a product with
two variants; a shopper finds it, picks a variant, adds an address, tops up and pays."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

pytestmark = pytest.mark.e2e

PASSWORD = "plum blossom teapot 42"


async def sign_up(page: Page, url: str, username: str) -> None:
    await page.goto(f"{url}/signup")
    await page.fill("#f-username", username)
    await page.fill("#f-email", f"{username}@example.com")
    await page.fill("#f-password", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.locator("header .account")).to_contain_text(username)


async def balance(page: Page, url: str) -> str:
    await page.goto(f"{url}/wallet")
    locator = page.get_by_test_id("wallet-balance")
    await expect(locator).to_be_visible()
    return (await locator.text_content() or "").strip()


async def top_up(page: Page, url: str, yuan: str) -> None:
    await page.goto(f"{url}/wallet")
    await page.fill("#f-amount", yuan)
    await page.click("button[type=submit]")
    await expect(page.get_by_role("status")).to_contain_text("Added")


async def test_creator_lists_and_shopper_buys(server, new_page) -> None:  # type: ignore[no-untyped-def]
    url = server.url
    creator = await new_page()
    await sign_up(creator, url, "potter")
    await creator.goto(f"{url}/shop")
    await creator.fill("#f-name", "Potter's Wheel")
    await creator.fill("#f-description", "Mugs and bowls")
    await creator.click("button[type=submit]")
    await creator.get_by_role("button", name="Send the micro-deposit").click()
    await expect(creator.locator("#f-amount")).to_be_visible()

    sent = await balance(creator, url)  # the micro-deposit is all the wallet holds
    assert re.fullmatch(r"¥0\.\d\d", sent), sent
    wrong = "0.00" if sent != "¥0.00" else "0.99"
    await creator.goto(f"{url}/shop")
    await creator.fill("#f-amount", wrong)
    await creator.click("button:has-text('Confirm amount')")
    error = creator.locator("#f-amount-error")
    await expect(error).to_contain_text("not the amount")
    await expect(creator.locator("#f-amount")).to_have_attribute("aria-invalid", "true")
    await creator.fill("#f-amount", sent.lstrip("¥"))
    await creator.click("button:has-text('Confirm amount')")
    await expect(creator.get_by_text("Real-name verification done")).to_be_visible()

    await top_up(creator, url, "500")
    await creator.goto(f"{url}/shop")
    await creator.click("button:has-text('Lock deposit')")
    await expect(creator.get_by_role("link", name="New product")).to_be_visible()

    await creator.click("text=New product")
    await creator.fill("#f-title", "Speckled mug")
    await creator.fill("#f-description", "Holds 350 ml of tea.")
    await creator.select_option("#f-categoryId", label="Ceramics")
    await creator.fill("#v-sku-0", "MUG-S")
    await creator.fill("#v-opt-0", "size=Small")
    await creator.fill("#v-price-0", "48")
    await creator.fill("#v-stock-0", "5")
    await creator.click("text=Add a variant")
    await creator.fill("#v-sku-1", "MUG-L")
    await creator.fill("#v-opt-1", "size=Large")
    await creator.fill("#v-price-1", "58")
    await creator.fill("#v-stock-1", "2")
    await creator.click("button:has-text('Create product')")
    await expect(creator.get_by_role("link", name="Speckled mug")).to_be_visible()

    shopper = await new_page()
    await sign_up(shopper, url, "shopper")
    await top_up(shopper, url, "100")
    await shopper.goto(f"{url}/products")
    await shopper.click("text=Speckled mug")
    await expect(shopper.locator("h1")).to_contain_text("Speckled mug")
    await shopper.click("button:has-text('Add to cart')")
    await expect(shopper.locator(".form-error")).to_contain_text("Choose size")
    await shopper.get_by_role("button", name="Large").click()
    await expect(shopper.locator(".buy-box .price")).to_contain_text("¥58.00")
    await shopper.click("button:has-text('Add to cart')")
    await expect(shopper.get_by_role("status")).to_contain_text("Added to your cart")

    await shopper.goto(f"{url}/cart")
    await shopper.click("text=+ Add an address")
    await shopper.fill("#f-recipient", "Shopper")
    await shopper.fill("#f-phone", "abc")
    await shopper.click("button:has-text('Save address')")
    await expect(shopper.locator("#f-phone-error")).to_be_visible()
    await shopper.fill("#f-phone", "13800000000")
    await shopper.fill("#f-line1", "1 Lake Road")
    await shopper.fill("#f-city", "Hangzhou")
    await shopper.click("button:has-text('Save address')")
    await expect(shopper.locator(".address-form")).to_be_hidden()
    await expect(shopper.get_by_role("radio")).to_be_checked()
    await shopper.click("button:has-text('Place orders and pay')")
    await expect(shopper.get_by_role("heading", name="Paid — thank you!")).to_be_visible()
    assert await balance(shopper, url) == "¥42.00"
