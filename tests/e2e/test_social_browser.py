"""The social pages in a real browser, two people in two browser contexts: Amber asks Basil to
be friends from his profile; Basil's notifications link lights up live, he accepts on
/friends; Basil posts for friends and Amber's open feed announces "1 new post"; she likes it
and comments; Basil sees both. A private post of Basil's never reaches Amber."""

from __future__ import annotations

import asyncio
import os
import re
import time
from typing import Any

import pytest
import redis.asyncio as redis
from playwright.async_api import Locator, Page, expect

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


async def sign_up(new_page: Any, server: LiveServer, username: str, name: str, width: int) -> Page:
    """A new member signs up in the browser and sets a display name."""
    page: Page = await new_page(width)
    await page.goto(f"{server.url}/signup")
    await page.get_by_label("Username", exact=True).fill(username)
    await page.get_by_label("Email", exact=True).fill(f"{username}@example.com")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()
    await expect(page).to_have_url(re.compile(r"/settings/profile"))
    await page.get_by_label("Display name").fill(name)
    await page.get_by_role("button", name="Save profile").click()
    await expect(page.get_by_role("status").filter(has_text="Profile saved.")).to_be_visible()
    return page


async def user_id(page: Page) -> int:
    global_id = await page.evaluate(
        "fetch('/graphql', {method: 'POST', headers: {'content-type': 'application/json'},"
        " body: JSON.stringify({query: '{ me { id } }'})}).then((r) => r.json())"
        ".then((b) => b.data.me.id)"
    )
    return decode_id(global_id, "User")


async def wait_for_listener(server: LiveServer, kind: str, uid: int) -> None:
    """The page subscribes over its WebSocket and the server then listens on Redis
    asynchronously: wait until Redis counts the listener, so nothing is published before."""
    name = channel(kind, uid)
    client = redis.Redis(unix_socket_path=embedded_redis_socket(server))
    deadline = time.monotonic() + 10
    try:
        while int((await client.pubsub_numsub(name))[0][1]) < 1:
            assert time.monotonic() < deadline, f"nobody subscribed to {name} on Redis"
            await asyncio.sleep(0.05)
    finally:
        await client.aclose()


def unread(page: Page) -> Locator:
    """The unread count on the header's notifications link."""
    return page.get_by_role("banner").locator(".so-bell .so-count")


def card(page: Page, text: str) -> Locator:
    return page.locator("article.so-post", has_text=text)


async def write_post(page: Page, text: str, audience: str | None = None) -> str:
    """Post from the composer on the home page; returns the new post's id."""
    await page.get_by_label("Share a good find").fill(text)
    if audience:
        await page.get_by_label("Who can see this").select_option(label=audience)
    await page.get_by_role("button", name="Post", exact=True).click()
    posted = card(page, text)
    await expect(posted).to_be_visible()
    await expect(page.get_by_label("Share a good find")).to_have_value("")
    return str(await posted.get_attribute("data-post"))


async def test_friends_post_live_like_and_comment(server: LiveServer, new_page: Any) -> None:
    amber = await sign_up(new_page, server, "amber", "Amber Li", 1200)
    basil = await sign_up(new_page, server, "basil", "Basil Wang", 390)
    amber_id, basil_id = await user_id(amber), await user_id(basil)

    # Basil waits on his (empty) feed; nothing is unread.
    await basil.goto(server.url)
    await expect(basil.get_by_text("Your feed is quiet.")).to_be_visible()
    await expect(unread(basil)).to_have_count(0)
    await wait_for_listener(server, "notifications", basil_id)

    # Amber asks from Basil's profile.
    await amber.goto(f"{server.url}/u/basil")
    await expect(amber.get_by_role("heading", level=1)).to_have_text("Basil Wang")
    await expect(amber.get_by_text("0 friends")).to_be_visible()
    await amber.get_by_role("button", name="Add friend").click()
    await expect(amber.get_by_text("Request sent")).to_be_visible()
    await expect(amber.get_by_role("button", name="Cancel request")).to_be_visible()

    # Amber opens her feed and keeps it open.
    await amber.get_by_role("link", name="Feed", exact=True).click()
    await expect(amber.get_by_text("Your feed is quiet.")).to_be_visible()
    await wait_for_listener(server, "feed", amber_id)
    await wait_for_listener(server, "notifications", amber_id)

    # Basil's notifications link counts it live; the notification says who asked.
    await expect(unread(basil)).to_have_attribute("data-unread", "1")
    await basil.get_by_role("banner").get_by_role("link", name=re.compile("^Notifications")).click()
    request_note = basil.locator(".so-note", has_text="Amber Li sent you a friend request")
    await expect(request_note).to_have_class(re.compile(r"\bunread\b"))
    await expect(request_note.get_by_role("button", name="Accept")).to_be_visible()
    await basil.get_by_role("button", name="Mark all read").click()
    await expect(request_note).not_to_have_class(re.compile(r"\bunread\b"))
    await expect(unread(basil)).to_have_count(0)

    # He accepts on /friends; Amber is now among his friends.
    await basil.get_by_role("link", name="Friends", exact=True).click()
    await expect(basil).to_have_url(f"{server.url}/friends")
    requests = basil.get_by_role("region", name=re.compile("^Requests for you"))
    asking = requests.locator(".so-person-row", has_text="Amber Li")
    await asking.get_by_role("button", name="Accept").click()
    await expect(asking).to_contain_text("Friends now")
    friends = basil.get_by_role("region", name=re.compile("^Your friends"))
    await expect(friends).to_contain_text("Amber Li")
    await expect(unread(amber)).to_have_attribute("data-unread", "1")  # accepted

    # An empty post is refused next to the text box.
    await basil.get_by_role("link", name="Feed", exact=True).click()
    await basil.get_by_role("button", name="Post", exact=True).click()
    body = basil.get_by_label("Share a good find")
    await expect(body).to_have_attribute("aria-invalid", "true")
    await expect(body).to_have_accessible_description(re.compile("Write something"))
    await expect(basil.get_by_label("Who can see this")).to_have_value("FRIENDS")

    # Basil posts for friends (mentioning Amber); her open feed announces it.
    text = "Found the perfect linen apron at the Sunday market. @amber you'd love it"
    post_id = await write_post(basil, text)
    banner = amber.locator(".so-new")
    await expect(banner).to_contain_text("1 new post")
    await expect(card(amber, "linen apron")).to_have_count(0)
    await banner.click()
    post = card(amber, "linen apron")
    await expect(post).to_be_visible()
    await expect(banner).to_have_count(0)
    await expect(post.get_by_role("link", name="Basil Wang")).to_have_attribute("href", "/u/basil")
    await expect(post.get_by_role("link", name="@amber")).to_have_attribute("href", "/u/amber")
    await expect(post.get_by_role("img", name="Visible to friends")).to_be_visible()
    await expect(unread(amber)).to_have_attribute("data-unread", "2")  # + the mention

    # She likes it (at once) and comments on the post page.
    like = post.get_by_role("button", name=re.compile("^Like"))
    await like.click()
    await expect(like).to_have_attribute("aria-pressed", "true")
    await expect(like).to_have_text(re.compile(r"\b1$"))
    await post.get_by_role("link", name="0 comments").click()
    await expect(amber).to_have_url(f"{server.url}/posts/{post_id}")
    await amber.get_by_label("Add a comment").fill("Which colour did you get?")
    await amber.get_by_role("button", name="Comment", exact=True).click()
    comments = amber.get_by_role("region", name=re.compile("^Comments"))
    await expect(comments.locator(".so-comment")).to_have_count(1)
    await expect(comments).to_contain_text("Which colour did you get?")
    await expect(amber.get_by_label("Add a comment")).to_have_value("")

    # Basil: two unread, the like and the comment, which leads to the post.
    await expect(unread(basil)).to_have_attribute("data-unread", "2")
    await basil.get_by_role("banner").get_by_role("link", name=re.compile("^Notifications")).click()
    await expect(basil.locator(".so-note.unread")).to_have_count(2)
    await expect(basil.locator(".so-note", has_text="Amber Li liked your post")).to_be_visible()
    await basil.get_by_role("link", name="Amber Li commented on your post").click()
    await expect(basil).to_have_url(re.compile(rf"/posts/{re.escape(post_id)}"))
    await expect(basil.locator(".so-comment", has_text="Which colour did you get?")).to_be_visible()
    await expect(
        card(basil, "linen apron").get_by_role("button", name=re.compile("^Like"))
    ).to_have_text(re.compile(r"\b1$"))

    # A private post of Basil's never reaches Amber; the friends post after it does.
    await amber.get_by_role("link", name="Feed", exact=True).click()
    await expect(card(amber, "linen apron")).to_be_visible()
    await wait_for_listener(server, "feed", amber_id)
    await basil.get_by_role("link", name="Feed", exact=True).click()
    secret_id = await write_post(basil, "Birthday list for Amber: the brass pen.", "Only me")
    await expect(
        card(basil, "Birthday list").get_by_role("img", name="Private: only you")
    ).to_be_visible()
    await write_post(basil, "Second apron ordered, in indigo.")
    await expect(banner).to_contain_text("1 new post")
    await banner.click()
    await expect(card(amber, "in indigo")).to_be_visible()
    await expect(card(amber, "Birthday list")).to_have_count(0)
    await amber.reload()
    await expect(card(amber, "in indigo")).to_be_visible()
    await expect(card(amber, "Birthday list")).to_have_count(0)
    await amber.goto(f"{server.url}/posts/{secret_id}")
    await expect(amber.get_by_role("heading", name="This post isn't available")).to_be_visible()
    await amber.goto(f"{server.url}/u/basil")
    await expect(amber.get_by_role("region", name="Posts by Basil Wang")).to_contain_text(
        "in indigo"
    )
    await expect(amber.get_by_text("Birthday list")).to_have_count(0)
