"""The social graph, posts and the home feed through the services."""

from __future__ import annotations

import pytest

from community.infra.errors import DomainError
from community.social import feeds, graph, posts
from community.social.models import Audience, Notification, Post
from tests.support import make_member, user_of


async def people(*names: str):  # type: ignore[no-untyped-def]
    return [await user_of(await make_member(n)) for n in names]


async def befriend(a, b) -> None:  # type: ignore[no-untyped-def]
    request = await graph.send_friend_request(a, b.id)
    await graph.accept_friend_request(b, request.id)


async def home(user, first: int = 50) -> list[int]:  # type: ignore[no-untyped-def]
    ids, _, _ = await feeds.home(user.id, first=first, before=None)
    rel = await feeds.relations(user.id)
    from community.social.policy import can_view_post

    found = {p.id: p for p in await Post.filter(id__in=ids)}
    return [i for i in ids if i in found and can_view_post(rel, found[i])]


async def refusal(awaitable) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as info:
        await awaitable
    return str(info.value.code)


async def test_friend_requests_and_their_refusals() -> None:
    mei, jun, lin = await people("mei", "jun", "lin")
    assert await refusal(graph.send_friend_request(mei, mei.id)) == "SELF_RELATION"
    request = await graph.send_friend_request(mei, jun.id)
    assert await refusal(graph.send_friend_request(mei, jun.id)) == "REQUEST_PENDING"
    assert await refusal(graph.send_friend_request(jun, mei.id)) == "REQUEST_PENDING"
    assert await refusal(graph.accept_friend_request(lin, request.id)) == "REQUEST_NOT_FOUND"
    await graph.accept_friend_request(jun, request.id)
    assert await refusal(graph.send_friend_request(mei, jun.id)) == "ALREADY_FRIENDS"
    assert jun.id in await feeds.friends_of(mei.id)
    kinds = set(await Notification.all().values_list("kind", flat=True))
    assert kinds == {"FRIEND_REQUEST", "FRIEND_ACCEPTED"}
    other = await graph.send_friend_request(lin, mei.id)
    await graph.cancel_friend_request(lin, other.id)
    again = await graph.send_friend_request(lin, mei.id)
    await graph.decline_friend_request(mei, again.id)
    await graph.block(mei, lin.id)
    assert await refusal(graph.send_friend_request(lin, mei.id)) == "BLOCKED"


async def test_feed_has_own_friends_and_followed_public_posts_newest_first() -> None:
    mei, jun, shop, stranger = await people("mei", "jun", "clayhouse", "lin")
    await befriend(mei, jun)
    await graph.follow(mei, shop.id)
    await home(mei)  # the timeline exists from now on: later posts are fanned out
    own = await posts.create_post(mei, body="My new teapot", audience=Audience.PRIVATE)
    friend = await posts.create_post(jun, body="Friends only", audience=Audience.FRIENDS)
    public = await posts.create_post(shop, body="New glaze!", audience=Audience.PUBLIC)
    hidden = await posts.create_post(shop, body="Not for followers", audience=Audience.FRIENDS)
    other = await posts.create_post(stranger, body="Hello world", audience=Audience.PUBLIC)
    assert await home(mei) == [public.id, friend.id, own.id]
    assert hidden.id not in await home(mei) and other.id not in await home(mei)
    # A timeline missing from Redis is rebuilt from SQL with the same result.
    from community.infra import runtime

    await runtime.get().redis.delete(feeds.key("home", mei.id))
    assert await home(mei) == [public.id, friend.id, own.id]


async def test_unfriend_block_delete_and_narrowing_remove_items() -> None:
    mei, jun = await people("mei", "jun")
    await befriend(mei, jun)
    await home(mei)
    await home(jun)
    friends_post = await posts.create_post(jun, body="For friends", audience=Audience.FRIENDS)
    public_post = await posts.create_post(jun, body="For all", audience=Audience.PUBLIC)
    assert {friends_post.id, public_post.id} <= set(await home(mei))

    await posts.edit_post(jun, public_post.id, audience=Audience.PRIVATE)
    assert public_post.id not in (await feeds.home(mei.id, first=10, before=None))[0]
    await graph.unfriend(mei, jun.id)
    assert friends_post.id not in (await feeds.home(mei.id, first=10, before=None))[0]
    assert await refusal(posts.comment(mei, friends_post.id, body="hi")) == "POST_NOT_FOUND"

    await befriend(mei, jun)
    again = await posts.create_post(jun, body="Back", audience=Audience.FRIENDS)
    assert again.id in await home(mei)
    await posts.delete_post(jun, again.id)
    assert again.id not in (await feeds.home(mei.id, first=10, before=None))[0]
    await graph.block(jun, mei.id)
    assert (await feeds.home(mei.id, first=10, before=None))[0] == []
    assert mei.id not in await feeds.friends_of(jun.id)


async def test_comments_replies_likes_and_mentions_notify() -> None:
    mei, jun, lin = await people("mei", "jun", "lin")
    await befriend(mei, jun)
    post = await posts.create_post(mei, body="Which cup? @lin @jun", audience=Audience.FRIENDS)
    # lin is mentioned but cannot see a friends-only post: no notification for lin.
    assert await Notification.filter(user_id=lin.id, kind="MENTION").count() == 0
    assert await Notification.filter(user_id=jun.id, kind="MENTION").count() == 1
    top = await posts.comment(jun, post.id, body="The green one")
    reply = await posts.comment(mei, post.id, body="Thanks!", reply_to=top.id)
    assert reply.parent_id == top.id
    nested = await posts.comment(jun, post.id, body="Welcome", reply_to=reply.id)
    assert nested.parent_id == top.id  # one level of replies
    await posts.like(jun, post_id=post.id)
    await posts.like(jun, post_id=post.id)  # twice: once
    liked = await posts.like(mei, comment_id=top.id)
    assert liked.like_count == 1 and (await Post.get(id=post.id)).comment_count == 3
    kinds = sorted(await Notification.filter(user_id=mei.id).values_list("kind", flat=True))
    assert kinds == ["COMMENT", "COMMENT", "FRIEND_ACCEPTED", "LIKE"]
    assert await refusal(posts.comment(lin, post.id, body="me too")) == "POST_NOT_FOUND"


async def test_bad_post_input_gets_codes() -> None:
    [mei] = await people("mei")
    cases = [
        ({"body": ""}, "POST_EMPTY"),
        ({"body": "x" * 2001}, "POST_TOO_LONG"),
        ({"body": "hi", "image_urls": ["https://x.example/a.jpg"] * 10}, "TOO_MANY_IMAGES"),
        ({"body": "hi", "image_urls": ["javascript:alert(1)"]}, "IMAGE_URL_INVALID"),
        ({"body": "hi", "product_ids": [999]}, "PRODUCT_UNKNOWN"),
    ]
    for kwargs, code in cases:
        assert await refusal(posts.create_post(mei, **kwargs)) == code
    assert await Post.all().count() == 0


async def test_pages_have_no_duplicates_or_gaps_while_posts_arrive() -> None:
    mei, jun = await people("mei", "jun")
    await befriend(mei, jun)
    await home(mei)
    made = [
        (await posts.create_post(jun, body=f"post {i}", audience=Audience.FRIENDS)).id
        for i in range(7)
    ]
    first, more, _ = await feeds.home(mei.id, first=3, before=None)
    newer = (await posts.create_post(jun, body="late", audience=Audience.FRIENDS)).id
    second, _, _ = await feeds.home(mei.id, first=3, before=first[-1])
    third, last, _ = await feeds.home(mei.id, first=3, before=second[-1])
    assert more and not last
    assert first + second + third == sorted(made, reverse=True)
    assert (await feeds.home(mei.id, first=1, before=None))[0] == [newer]


async def test_big_accounts_are_merged_at_read_time(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from community.infra import runtime

    monkeypatch.setattr(runtime.get(), "settings", settings.with_(big_account_followers=1))
    star, a, b = await people("star", "fan_a", "fan_b")
    await home(a)
    await graph.follow(a, star.id)
    await graph.follow(b, star.id)  # now star has 2 > 1 followers
    assert star.id in await feeds.big_accounts()
    await home(a)
    post = await posts.create_post(star, body="Hello fans", audience=Audience.PUBLIC)
    assert post.id not in await feeds.stored(a.id)  # not fanned out…
    assert post.id in await home(a)  # …but merged in when read


async def test_fan_out_tells_only_the_recipients_with_an_open_page() -> None:
    from community.infra import runtime
    from community.infra.events import channel

    mei, jun, lin = await people("mei", "jun", "lin")
    await befriend(lin, mei)
    await befriend(lin, jun)
    await home(mei)  # both timelines exist: fan-out adds to them
    await home(jun)
    pubsub = runtime.get().redis.pubsub()
    await pubsub.subscribe(channel("feed", mei.id), channel("feed", jun.id))
    try:
        async with feeds.listening(jun.id):
            post = await posts.create_post(lin, body="New mugs", audience=Audience.FRIENDS)
        heard = []
        for _ in range(10):  # the two subscribe confirmations, then what was published
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
            if message is not None:
                heard.append((message["channel"].decode(), int(message["data"])))
    finally:
        await pubsub.aclose()
    assert heard == [(channel("feed", jun.id), post.id)]
    assert post.id in await home(mei) and post.id in await home(jun)


async def test_timelines_stay_capped(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from community.infra import runtime

    monkeypatch.setattr(feeds, "CAP", 5)
    monkeypatch.setattr(feeds, "TRIM_SLACK", 2)
    mei, jun = await people("mei", "jun")
    await befriend(mei, jun)
    await home(mei)
    made = [await posts.create_post(jun, body=f"post {n}") for n in range(12)]
    size = await runtime.get().redis.zcard(feeds.key("home", mei.id))
    assert feeds.CAP <= size <= feeds.CAP + feeds.TRIM_SLACK
    assert await home(mei, first=5) == [p.id for p in reversed(made)][:5]
