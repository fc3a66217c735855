"""The social layer through GraphQL: the home feed (constant SQL per page), privacy across
every read path, notifications, and live updates over WebSocket."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from tests.support import GraphQLClient, Member, count_queries, make_member, operation


async def run(
    client: GraphQLClient, name: str, input: dict[str, Any], member: Member
) -> dict[str, Any]:
    data = await client(operation(name), {"input": input}, token=member.token)
    payload = next(iter(data.values()))
    assert payload["errors"] == [], payload["errors"]
    return payload  # type: ignore[no-any-return]


async def befriend(client: GraphQLClient, a: Member, b: Member) -> None:
    sent = await run(client, "SendFriendRequest", {"userId": b.global_id}, a)
    await run(client, "AcceptFriendRequest", {"requestId": sent["friendRequest"]["id"]}, b)


async def feed(
    client: GraphQLClient, member: Member, first: int = 20, after: str | None = None
) -> list[str]:
    data = await client(operation("HomeFeed"), {"first": first, "after": after}, token=member.token)
    return [e["node"]["body"] for e in data["homeFeed"]["edges"]]


async def test_feed_page_costs_constant_sql(client: GraphQLClient, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.api.test_marketplace import create_product, open_listing_shop

    mei, jun, lin = await make_member("mei"), await make_member("jun"), await make_member("lin")
    shop = await make_member("clayhouse")  # never posts: its owner is on the page only via products
    await open_listing_shop(client, shop, settings)
    product = await create_product(client, shop)
    await befriend(client, mei, jun)
    await befriend(client, mei, lin)
    await run(client, "Follow", {"userId": shop.global_id}, mei)

    async def page_cost() -> tuple[list[Any], int]:
        await feed(client, mei)  # warm Redis (timeline, relationship sets)
        with count_queries() as counted:
            data = await client(operation("HomeFeed"), {"first": 20}, token=mei.token)
        return [e["node"] for e in data["homeFeed"]["edges"]], counted.count

    await run(client, "CreatePost", {"body": "first", "audience": "FRIENDS"}, jun)
    small = await page_cost()
    for i in range(6):
        await run(client, "CreatePost", {"body": f"jun {i}", "productIds": [product["id"]]}, jun)
        post = await run(
            client,
            "CreatePost",
            {"body": f"lin {i}", "audience": "FRIENDS", "productIds": [product["id"]]},
            lin,
        )
        await run(client, "Like", {"postId": post["post"]["id"]}, mei)
    large = await page_cost()
    assert len(large[0]) == 13 and len(small[0]) == 1
    cards = [n for n in large[0] if n["products"]]
    assert {c["products"][0]["shop"]["owner"]["username"] for c in cards} == {"clayhouse"}
    assert sum(n["viewerHasLiked"] for n in large[0]) == 6
    # The session, the posts with the viewer's likes, the authors with the shops' owners, and
    # (once any post carries products) the products with their shops: constant, at most 4.
    assert large[1] == small[1] + 1, (small[1], large[1])
    assert large[1] <= 4, large[1]


async def test_private_and_friends_posts_never_leak(client: GraphQLClient) -> None:
    mei, jun, lin = await make_member("mei"), await make_member("jun"), await make_member("lin")
    await befriend(client, mei, jun)
    private = await run(client, "CreatePost", {"body": "only me", "audience": "PRIVATE"}, mei)
    friends = await run(
        client, "CreatePost", {"body": "friends of mei", "audience": "FRIENDS"}, mei
    )
    public = await run(client, "CreatePost", {"body": "everyone", "audience": "PUBLIC"}, mei)
    ids = {
        k: p["post"]["id"]
        for k, p in (("private", private), ("friends", friends), ("public", public))
    }

    async def sees(member: Member | None) -> dict[str, bool]:
        token = member.token if member else None
        timeline = (await client(operation("ProfilePage"), {"username": "mei"}, token=token))[
            "user"
        ]["timeline"]
        on_timeline = {e["node"]["id"] for e in timeline["edges"]}
        seen = {}
        for name, post_id in ids.items():
            node = (
                await client(
                    "query($id: ID!) { node(id: $id) { id } }", {"id": post_id}, token=token
                )
            )["node"]
            detail = (await client(operation("PostDetail"), {"id": post_id}, token=token))["post"]
            assert (node is None) == (detail is None) == (post_id not in on_timeline), name
            seen[name] = detail is not None
        return seen

    assert await sees(mei) == {"private": True, "friends": True, "public": True}
    assert await sees(jun) == {"private": False, "friends": True, "public": True}
    assert await sees(lin) == {"private": False, "friends": False, "public": True}
    assert await sees(None) == {"private": False, "friends": False, "public": True}
    assert set(await feed(client, jun)) == {"friends of mei", "everyone"}

    refused = await client(
        operation("AddComment"),
        {"input": {"postId": ids["friends"], "body": "hi"}},
        token=lin.token,
    )
    assert refused["addComment"]["errors"][0]["code"] == "POST_NOT_FOUND"

    await run(client, "Unfriend", {"userId": mei.global_id}, jun)
    assert await feed(client, jun) == []
    assert (await client(operation("PostDetail"), {"id": ids["friends"]}, token=jun.token))[
        "post"
    ] is None

    await run(client, "AddComment", {"postId": ids["public"], "body": "nice @mei"}, lin)
    await run(client, "Block", {"userId": lin.global_id}, mei)
    detail = (await client(operation("PostDetail"), {"id": ids["public"]}, token=mei.token))["post"]
    assert detail["comments"] == []  # the blocked person's comment is hidden
    notes = (await client(operation("Notifications"), token=mei.token))["notifications"]["edges"]
    assert all(n["node"]["actor"]["username"] != "lin" for n in notes)
    assert (await client(operation("PostDetail"), {"id": ids["public"]}, token=lin.token))[
        "post"
    ] is None
    assert (await client(operation("ProfilePage"), {"username": "mei"}, token=lin.token))[
        "user"
    ] is None


async def test_feed_pages_and_bad_input(client: GraphQLClient) -> None:
    mei = await make_member("mei")
    for i in range(5):
        await run(client, "CreatePost", {"body": f"p{i}"}, mei)
    data = await client(operation("HomeFeed"), {"first": 2}, token=mei.token)
    assert [e["node"]["body"] for e in data["homeFeed"]["edges"]] == ["p4", "p3"]
    after = data["homeFeed"]["pageInfo"]["endCursor"]
    await run(client, "CreatePost", {"body": "new"}, mei)
    assert await feed(client, mei, 2, after) == ["p2", "p1"]
    cases = [
        ({"body": ""}, "POST_EMPTY"),
        ({"body": "x" * 2001}, "POST_TOO_LONG"),
        ({"body": "x", "imageUrls": ["ftp://a"]}, "IMAGE_URL_INVALID"),
        ({"body": "x", "productIds": [mei.global_id]}, "INVALID_ID"),
    ]
    for input, code in cases:
        data = await client(operation("CreatePost"), {"input": input}, token=mei.token)
        assert data["createPost"]["errors"][0]["code"] == code
    self_request = await client(
        operation("SendFriendRequest"), {"input": {"userId": mei.global_id}}, token=mei.token
    )
    assert self_request["sendFriendRequest"]["errors"][0]["code"] == "SELF_RELATION"
    too_many = await client.post(operation("HomeFeed"), {"first": 101}, token=mei.token)
    assert too_many.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_live_feed_and_notifications_over_websocket(client: GraphQLClient, app) -> None:  # type: ignore[no-untyped-def]
    mei, jun, lin = await make_member("mei"), await make_member("jun"), await make_member("lin")
    await befriend(client, mei, jun)
    await feed(client, mei)  # mei's timeline is live
    mine = await run(client, "CreatePost", {"body": "my teapot"}, mei)
    transport = ASGIWebSocketTransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        async with aconnect_ws("/graphql", http, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send_text(
                json.dumps(
                    {"type": "connection_init", "payload": {"authorization": f"Bearer {mei.token}"}}
                )
            )
            assert json.loads(await ws.receive_text())["type"] == "connection_ack"
            for sub_id, name in (("1", "HomeFeedUpdated"), ("2", "NotificationReceived")):
                await ws.send_text(
                    json.dumps(
                        {"id": sub_id, "type": "subscribe", "payload": {"query": operation(name)}}
                    )
                )
            await asyncio.sleep(0.2)
            await run(client, "CreatePost", {"body": "secret", "audience": "PRIVATE"}, jun)
            await run(client, "CreatePost", {"body": "hello mei", "audience": "FRIENDS"}, jun)
            await run(client, "CreatePost", {"body": "stranger", "audience": "PUBLIC"}, lin)
            got: dict[str, list[Any]] = {"1": [], "2": []}
            async with asyncio.timeout(5):
                while not got["1"]:
                    message = json.loads(await ws.receive_text())
                    if message["type"] == "next":
                        got[message["id"]].append(message["payload"]["data"])
            [post] = got["1"]
            assert post["homeFeedUpdated"]["author"]["username"] == "jun"
            await run(client, "Like", {"postId": mine["post"]["id"]}, jun)
            async with asyncio.timeout(5):
                while True:
                    message = json.loads(await ws.receive_text())
                    if message["type"] == "next" and message["id"] == "2":
                        break
            event = message["payload"]["data"]["notificationReceived"]
            assert event["notification"]["kind"] == "LIKE" and event["unreadCount"] >= 1


async def test_friends_list(client: GraphQLClient) -> None:
    mei, jun, lin = await make_member("mei"), await make_member("jun"), await make_member("lin")
    await befriend(client, mei, jun)
    await befriend(client, mei, lin)
    data = await client(operation("Friends"), {"username": "mei"}, token=jun.token)
    assert [f["username"] for f in data["user"]["friends"]] == ["lin", "jun"]
    await run(client, "Block", {"userId": lin.global_id}, jun)
    data = await client(operation("Friends"), {"username": "mei"}, token=jun.token)
    assert [f["username"] for f in data["user"]["friends"]] == ["jun"]


async def test_blocked_users_can_be_listed_and_unblocked(client: GraphQLClient) -> None:
    mei, lin = await make_member("mei"), await make_member("lin")
    await run(client, "Block", {"userId": lin.global_id}, mei)
    data = await client(operation("BlockedUsers"), token=mei.token)
    assert [u["username"] for u in data["blockedUsers"]] == ["lin"]
    await run(client, "Unblock", {"userId": lin.global_id}, mei)
    assert (await client(operation("BlockedUsers"), token=mei.token))["blockedUsers"] == []
    assert (await client(operation("ProfilePage"), {"username": "lin"}, token=mei.token))["user"]
