"""The account pages in a real browser: a new member signs up, logs out, logs in again (a
wrong password first), fixes a refused avatar address in profile settings, saves a display
name, bio and two interests, and finds them on the public profile — which a visitor watching
it sees change live. Field errors are checked the way assistive technology reads them: the
input is ``aria-invalid`` and the message is its accessible description."""

from __future__ import annotations

import asyncio
import os
import re
import time
from typing import Any

import pytest
import redis.asyncio as redis
from playwright.async_api import Locator, Page, Route, expect

from community.api.relay import decode_id
from community.infra.events import channel
from tests.e2e.servers import LiveServer, embedded_redis_socket

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("HAOWU_TEST_BACKEND", "embedded") not in ("", "embedded"),
        reason="browser tests run once, on the embedded pass (the suite runs twice in CI)",
    ),
]

PASSWORD = "plum blossom teapot 42"


async def expect_field_error(page: Page, label: str, message: str | re.Pattern[str]) -> None:
    """The field labelled ``label`` is marked invalid and described by ``message``, which is
    shown right under it."""
    field = page.get_by_label(label, exact=True)
    await expect(field).to_have_attribute("aria-invalid", "true")
    await expect(field).to_have_accessible_description(
        message if isinstance(message, re.Pattern) else re.compile(re.escape(message))
    )
    error = page.locator(".field", has=field).locator(".field-error")
    await expect(error).to_have_text(message)
    field_box, error_box = await field.bounding_box(), await error.bounding_box()
    assert field_box and error_box
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 60, (field_box, error_box)


async def expect_field_ok(page: Page, label: str) -> None:
    await expect(page.get_by_label(label, exact=True)).to_have_attribute("aria-invalid", "false")


def header(page: Page) -> Locator:
    return page.get_by_role("banner")


async def wait_for_live_subscriber(server: LiveServer, user_id: str) -> None:
    """The page subscribes over its WebSocket and the server then listens on Redis
    asynchronously: wait until Redis counts the listener, so no update is published before."""
    name = channel("user", decode_id(user_id, "User"))
    client = redis.Redis(unix_socket_path=embedded_redis_socket(server))
    deadline = time.monotonic() + 10
    try:
        while int((await client.pubsub_numsub(name))[0][1]) < 1:
            assert time.monotonic() < deadline, f"nobody subscribed to {name} on Redis"
            await asyncio.sleep(0.05)
    finally:
        await client.aclose()


class HeldMutation:
    """Holds the browser's next ``name`` mutation until released, to see the pending form."""

    def __init__(self, page: Page, name: str) -> None:
        self.page, self.name = page, name
        self.seen = asyncio.Event()
        self.release = asyncio.Event()
        self.sent = asyncio.Event()

    async def _handle(self, route: Route) -> None:
        body = route.request.post_data_json or {}
        if body.get("operationName") != self.name or self.seen.is_set():
            await route.continue_()
            return
        self.seen.set()
        await self.release.wait()
        await route.continue_()
        self.sent.set()

    async def __aenter__(self) -> HeldMutation:
        await self.page.route("**/graphql", self._handle)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.release.set()
        if self.seen.is_set():
            await asyncio.wait_for(self.sent.wait(), 10)
        await self.page.unroute("**/graphql", self._handle)


async def test_sign_up_log_in_and_edit_the_profile(server: LiveServer, new_page: Any) -> None:
    username = "meilin"
    page: Page = await new_page()

    # A visitor is welcomed and invited to join.
    await page.goto(server.url)
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Good finds")
    await page.get_by_role("link", name="Join Haowu").click()
    await expect(page).to_have_url(f"{server.url}/signup")
    await page.get_by_label("Username", exact=True).fill(username)
    await page.get_by_label("Email", exact=True).fill(f"{username}@example.com")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()

    # Signed up: on to the profile editor, with their name in the header.
    await expect(page).to_have_url(re.compile(r"/settings/profile"))
    await expect(page.get_by_role("heading", name="Welcome! Tell people about you")).to_be_visible()
    await expect(header(page).get_by_role("link", name=username)).to_be_visible()

    # Log out: the header offers log-in again, and settings need a session.
    await header(page).get_by_role("button", name="Log out").click()
    await expect(page).to_have_url(f"{server.url}/")
    await expect(header(page).get_by_role("link", name="Log in")).to_be_visible()
    await expect(header(page).get_by_role("link", name=username)).to_have_count(0)
    await page.goto(f"{server.url}/settings/profile")
    await expect(page).to_have_url(re.compile(r"/login\?next=%2Fsettings%2Fprofile$"))

    # A wrong password is refused next to the password field.
    await page.get_by_label("Username or email").fill(username)
    await page.get_by_label("Password", exact=True).fill("not my password")
    await page.get_by_role("button", name="Log in").click()
    await expect_field_error(page, "Password", "Wrong username, email or password.")
    await expect(page.get_by_label("Password", exact=True)).to_be_focused()

    # The right one goes back to where they were headed.
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(f"{server.url}/settings/profile")
    await expect(page.get_by_role("heading", name="Edit profile")).to_be_visible()
    await expect(header(page).get_by_role("link", name=username)).to_be_visible()

    # An ftp address is refused next to the avatar field; nothing else is blamed.
    await page.get_by_label("Avatar URL").fill("ftp://x")
    await page.get_by_role("button", name="Save profile").click()
    await expect_field_error(page, "Avatar URL", "Use an http(s) address.")
    await expect_field_ok(page, "Display name")
    await expect(page.locator(".form-error")).to_have_count(0)

    # A visitor (another browser) watches the public profile while it is edited.
    visitor: Page = await new_page()
    await visitor.goto(f"{server.url}/u/{username}")
    await expect(visitor.get_by_role("heading", level=1)).to_have_text(username)
    user_id = await page.evaluate(
        "fetch('/graphql', {method: 'POST', headers: {'content-type': 'application/json'},"
        " body: JSON.stringify({query: '{ me { id } }'})}).then((r) => r.json())"
        ".then((b) => b.data.me.id)"
    )
    await wait_for_live_subscriber(server, user_id)

    # Fix it, and fill in the rest.
    avatar = f"{server.url}/static/favicon.svg"
    await page.get_by_label("Avatar URL").fill(avatar)
    await expect(page.locator(".avatar-preview img")).to_have_attribute("src", avatar)
    await page.get_by_label("Display name").fill("林美 Mei Lin")
    bio = "Tea, ceramics and slow mornings in Hangzhou. 喜欢手作和老物件。"
    await page.get_by_label("Bio").fill(bio)
    await expect(page.locator("#f-bio-counter")).to_have_text(f"{len(bio)} / 280")
    await page.get_by_role("checkbox", name="Books").check()
    await page.get_by_role("checkbox", name="Handmade & Crafts").check()

    # While saving, the button says so and cannot be pressed twice.
    async with HeldMutation(page, "UpdateProfile") as held:
        await page.get_by_role("button", name="Save profile").click()
        await asyncio.wait_for(held.seen.wait(), 10)
        saving = page.locator("form button[type=submit]")
        await expect(saving).to_be_disabled()
        await expect(saving).to_have_text("Saving…")
        await expect(saving).to_have_attribute("aria-busy", "true")
    await expect(page.get_by_role("status").filter(has_text="Profile saved.")).to_be_visible()
    await expect_field_ok(page, "Avatar URL")
    await expect(header(page).get_by_role("link", name="林美 Mei Lin")).to_be_visible()

    # The visitor saw it change without reloading.
    await expect(visitor.get_by_role("heading", level=1)).to_have_text("林美 Mei Lin")
    await expect(visitor.get_by_role("list", name="Interests")).to_contain_text("Books")

    # Their public profile shows it all.
    await page.get_by_role("link", name="View your profile").click()
    await expect(page).to_have_url(f"{server.url}/u/{username}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("林美 Mei Lin")
    await expect(page.get_by_text(bio)).to_be_visible()
    interests = page.get_by_role("list", name="Interests").get_by_role("listitem")
    await expect(interests).to_have_text(["Books", "Handmade & Crafts"])
    await expect(page.locator(".profile-head img.avatar")).to_have_attribute("src", avatar)
    await expect(page.get_by_text(f"@{username} · joined")).to_be_visible()
    await expect(page).to_have_title(f"林美 Mei Lin (@{username}) · 好物 Haowu")

    # And the settings page remembers the choices.
    await page.get_by_role("link", name="Edit profile").click()
    await expect(page.get_by_role("checkbox", name="Books")).to_be_checked()
    await expect(page.get_by_role("checkbox", name="Fashion")).not_to_be_checked()


async def test_unknown_pages_and_members(server: LiveServer, new_page: Any) -> None:
    page: Page = await new_page(390)
    await page.goto(f"{server.url}/no/such/page")
    await expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    await page.goto(f"{server.url}/u/nobody_here")
    await expect(page.get_by_role("heading", name="No such member")).to_be_visible()


async def test_too_many_wrong_passwords_are_refused_with_the_servers_message(
    server: LiveServer, new_page: Any
) -> None:
    page: Page = await new_page(390)
    await page.goto(f"{server.url}/login")
    await page.get_by_label("Username or email").fill("somebody_else")
    for _ in range(5):  # LOGIN_ATTEMPTS_PER_ACCOUNT
        await page.get_by_label("Password", exact=True).fill("guess")
        await page.get_by_role("button", name="Log in").click()
        await expect_field_error(page, "Password", "Wrong username, email or password.")
    await page.get_by_role("button", name="Log in").click()
    await expect_field_error(
        page,
        "Username or email",
        re.compile(r"Too many log-in attempts. Try again in \d+ seconds."),
    )


async def test_a_session_answered_before_the_first_frame_is_not_lost(
    server: LiveServer, new_page: Any
) -> None:
    # Components subscribe to the session in an effect, which Preact runs after the next
    # frame; a faster answer to the page's first `Me` once left it on "Loading…" for good.
    username = "quickfox"
    page: Page = await new_page()
    await page.goto(f"{server.url}/signup")
    await page.get_by_label("Username", exact=True).fill(username)
    await page.get_by_label("Email", exact=True).fill(f"{username}@example.com")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()
    await expect(header(page).get_by_role("link", name=username)).to_be_visible()

    # Frames and timers stand still until the session has been answered. (From a blank page:
    # no answer to the previous page can be taken for the new one's.)
    await page.goto("about:blank")
    await page.clock.install()
    await page.clock.pause_at(time.time() + 60)
    async with page.expect_response(
        lambda r: (
            r.url.endswith("/graphql") and '"operationName":"Me"' in (r.request.post_data or "")
        )
    ) as answered:
        await page.goto(f"{server.url}/settings/profile")
    assert (await (await answered.value).json())["data"]["me"]["username"] == username
    await page.clock.resume()
    await expect(header(page).get_by_role("link", name=username)).to_be_visible()
    await expect(page.get_by_label("Display name", exact=True)).to_be_visible()
