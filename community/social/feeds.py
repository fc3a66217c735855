"""Home timelines and relationship caches in Redis, with SQL as the source of truth.

Every Redis key of the social layer is built by :func:`key`. A home timeline is a sorted set
of post ids scored by *minus* the id (ids grow with time), so the newest post sits at the
head of the skip list, where inserting it touches the fewest nodes (a fifth less Redis time
per fan-out than at the tail, measured); a marker member ``"0"`` scored 0 stays at the other
end and keeps an empty timeline in existence. Timelines are capped at ``CAP`` entries;
fan-out on write pushes a new post into the timelines of its audience that exist (a missing
timeline is rebuilt from SQL on first read). Accounts with more followers than ``big_account_followers``
are not fanned out to followers: their public posts are merged in at read time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager

from community.infra import runtime, sql
from community.infra.events import channel
from community.social.models import Audience, Block, Follow, Friendship, Post
from community.social.policy import Relations

__all__ = [
    "CAP",
    "add_to_timelines",
    "big_accounts",
    "forget_relations",
    "home",
    "key",
    "listening",
    "relations",
    "remove_from_timelines",
    "remove_posts_of",
    "stored",
]

CAP = 800
CHUNK = 1000
EMPTY = b"-"  # marks a cached set that is empty (Redis keeps no empty sets)

# Per timeline: add the post if the timeline exists (a missing one is rebuilt from SQL when
# read), and trim it back to the cap once it is TRIM_SLACK over (a trim on every add cost a
# fifth of the fan-out, measured).
_ADD = """
local id = ARGV[1]
local score = -tonumber(id)
local limit = tonumber(ARGV[2])
local keep = tonumber(ARGV[3])
local pushed = 0
for _, k in ipairs(KEYS) do
  if redis.call('EXISTS', k) == 1 then
    redis.call('ZADD', k, score, id)
    if redis.call('ZCARD', k) > limit then
      -- the oldest posts, and never the marker (the last member)
      redis.call('ZREMRANGEBYRANK', k, keep, -2)
    end
    pushed = pushed + 1
  end
end
return pushed
"""
TRIM_SLACK = 50
# Who has a page open that listens for new posts: a sorted set of user ids scored by when
# their listening expires (renewed while the page is open), so fan-out tells only them.
LIVE_TTL = 120  # seconds; renewed every LIVE_TTL / 3


def key(kind: str, ident: object) -> str:
    """The one place social Redis keys are built."""
    match kind:
        case "home":  # newest first (see the module's docstring)
            return f"feed:tl:{ident}"
        case "live":
            return "feed:live"
        case "friends" | "blocked" | "following":
            return f"rel:{kind}:{ident}"
        case "big":
            return "social:big_accounts"
    raise ValueError(kind)


def _ids(values: Iterable[bytes]) -> frozenset[int]:
    return frozenset(int(v) for v in values if v != EMPTY)


async def _cached_set(name: str, user_id: int, load: object) -> frozenset[int]:
    redis = runtime.get().redis
    k = key(name, user_id)
    members = await redis.smembers(k)
    if members:
        return _ids(members)
    ids = await load()  # type: ignore[operator]
    pipe = redis.pipeline(transaction=True)
    pipe.sadd(k, *(ids or [EMPTY]))
    pipe.expire(k, 24 * 3600)
    await pipe.execute()
    return frozenset(ids)


async def _reload(name: str, user_id: int) -> frozenset[int]:
    """A relationship set that Redis did not have, from SQL (and cached again)."""
    load = {"friends": friends_of, "blocked": blocked_of, "following": following_of}[name]
    return await load(user_id)


async def friends_of(user_id: int) -> frozenset[int]:
    async def load() -> list[int]:
        return list(await Friendship.filter(user_id=user_id).values_list("friend_id", flat=True))

    return await _cached_set("friends", user_id, load)


async def blocked_of(user_id: int) -> frozenset[int]:
    """Accounts blocked by, or blocking, ``user_id``."""

    async def load() -> list[int]:
        out = await Block.filter(blocker_id=user_id).values_list("blocked_id", flat=True)
        inn = await Block.filter(blocked_id=user_id).values_list("blocker_id", flat=True)
        return list({*out, *inn})

    return await _cached_set("blocked", user_id, load)


async def following_of(user_id: int) -> frozenset[int]:
    async def load() -> list[int]:
        return list(await Follow.filter(follower_id=user_id).values_list("followee_id", flat=True))

    return await _cached_set("following", user_id, load)


async def relations(viewer_id: int | None) -> Relations:
    """The viewer's relationships, from Redis (rebuilt from SQL when missing)."""
    if viewer_id is None:
        return Relations.anonymous()
    return Relations(
        viewer_id=viewer_id,
        friends=await friends_of(viewer_id),
        blocked=await blocked_of(viewer_id),
    )


async def forget_relations(*user_ids: int) -> None:
    """Drop cached relationship sets after the graph changed (they reload from SQL)."""
    names = [key(n, u) for u in user_ids for n in ("friends", "blocked", "following")]
    if names:
        await runtime.get().redis.delete(*names)


async def big_accounts() -> frozenset[int]:
    return _ids(await runtime.get().redis.smembers(key("big", "")))


async def mark_big_account(user_id: int, followers: int) -> None:
    """Keep the set of accounts merged at read time in step with their follower count."""
    redis = runtime.get().redis
    threshold = runtime.get().settings.big_account_followers
    if followers > threshold:
        await redis.sadd(key("big", ""), user_id)
    else:
        await redis.srem(key("big", ""), user_id)


async def audience_of(post: Post) -> list[int]:
    """Whose home timeline a post belongs in (by fan-out): the author, friends for
    FRIENDS/PUBLIC posts, and followers of public posts unless the author is a big account."""
    recipients = {post.author_id}
    if post.audience in (Audience.FRIENDS, Audience.PUBLIC):
        recipients |= await friends_of(post.author_id)
    if post.audience == Audience.PUBLIC and post.author_id not in await big_accounts():
        rows = await sql.fetch(
            "SELECT follower_id FROM social_follow WHERE followee_id = $1", post.author_id
        )
        recipients.update(r["follower_id"] for r in rows)
    return sorted(recipients - await blocked_of(post.author_id))


async def add_to_timelines(post_id: int, user_ids: Sequence[int]) -> int:
    """Push a post into these users' timelines that exist (a missing one is rebuilt from SQL
    when read) — one server-side call per CHUNK of them, all sent at once — and tell those
    with an open page (pub/sub). Returns how many timelines took it."""
    if not user_ids:
        return 0
    redis = runtime.get().redis
    script = redis.register_script(_ADD)
    home = key("home", "")
    pipe = redis.pipeline(transaction=False)
    for start in range(0, len(user_ids), CHUNK):
        keys = [f"{home}{u}" for u in user_ids[start : start + CHUNK]]
        await script(keys=keys, args=[post_id, CAP + TRIM_SLACK, CAP], client=pipe)
    pipe.zrangebyscore(key("live", ""), time.time(), "+inf")
    *pushed, live = await pipe.execute()
    # A PUBLISH to each of 10,000 followers doubled the fan-out (measured), and most of them
    # aren't looking. Open pages hear of the post even while their timeline is rebuilt.
    listening = {int(u) for u in live}.intersection(user_ids) if live else ()
    if listening:
        pipe = redis.pipeline(transaction=False)
        for user_id in listening:
            pipe.publish(channel("feed", user_id), post_id)
        await pipe.execute()
    return sum(int(n) for n in pushed)


@asynccontextmanager
async def listening(viewer_id: int) -> AsyncIterator[None]:
    """While a page listens for new posts (fan-out publishes only to such viewers)."""
    redis = runtime.get().redis
    live = key("live", "")

    async def enlist() -> None:
        pipe = redis.pipeline(transaction=False)
        pipe.zremrangebyscore(live, "-inf", time.time())  # who stopped listening
        pipe.zadd(live, {str(viewer_id): time.time() + LIVE_TTL})
        await pipe.execute()

    async def renew() -> None:
        while True:
            await asyncio.sleep(LIVE_TTL / 3)
            await enlist()

    await enlist()
    renewing = asyncio.create_task(renew(), name=f"feed-live-{viewer_id}")
    try:
        yield
    finally:
        # Other pages of the same viewer may still listen: the entry just expires.
        renewing.cancel()


async def remove_from_timelines(post_ids: Sequence[int], user_ids: Sequence[int]) -> None:
    if not post_ids or not user_ids:
        return
    pipe = runtime.get().redis.pipeline(transaction=False)
    for user_id in user_ids:
        pipe.zrem(key("home", user_id), *post_ids)
    await pipe.execute()


async def remove_posts_of(author_id: int, from_user_ids: Sequence[int]) -> None:
    """Take an author's recent posts out of some timelines (unfriend, block, unfollow)."""
    recent = (
        await Post.filter(author_id=author_id)
        .order_by("-id")
        .limit(CAP)
        .values_list("id", flat=True)
    )
    await remove_from_timelines(list(recent), from_user_ids)


async def _rebuild(viewer_id: int) -> None:
    """Fill a missing timeline from SQL: the newest posts the viewer's graph puts there."""
    friends = await friends_of(viewer_id)
    big = await big_accounts()
    followed = (await following_of(viewer_id)) - big
    ids: set[int] = set(
        await Post.filter(author_id=viewer_id, deleted_at=None)
        .order_by("-id")
        .limit(CAP)
        .values_list("id", flat=True)
    )
    if friends:
        ids |= set(
            await Post.filter(
                author_id__in=list(friends),
                audience__in=[Audience.PUBLIC, Audience.FRIENDS],
                deleted_at=None,
            )
            .order_by("-id")
            .limit(CAP)
            .values_list("id", flat=True)
        )
    if followed - friends:
        ids |= set(
            await Post.filter(
                author_id__in=list(followed - friends), audience=Audience.PUBLIC, deleted_at=None
            )
            .order_by("-id")
            .limit(CAP)
            .values_list("id", flat=True)
        )
    newest = sorted(ids, reverse=True)[:CAP]
    redis = runtime.get().redis
    pipe = redis.pipeline(transaction=True)
    k = key("home", viewer_id)
    pipe.delete(k)
    # The marker (score 0, after every post) keeps even an empty timeline "existing".
    pipe.zadd(k, {"0": 0, **{str(i): -i for i in newest}})
    await pipe.execute()


async def stored(user_id: int) -> list[int]:
    """Every post id of a user's timeline as Redis has it, newest first (empty when the
    timeline does not exist): for checks, not for pages."""
    return [
        int(i) for i in await runtime.get().redis.zrangebyscore(key("home", user_id), "-inf", "(0")
    ]


async def home(
    viewer_id: int, *, first: int, before: int | None
) -> tuple[list[int], bool, Relations]:
    """Post ids of one home-feed page, newest first, strictly older than ``before``, whether
    more follow, and the viewer's relations: one Redis round trip in the steady state (a
    missing timeline or relationship set is rebuilt from SQL first)."""
    redis = runtime.get().redis
    k = key("home", viewer_id)
    newest = f"(-{before}" if before else "-inf"
    pipe = redis.pipeline(transaction=False)
    pipe.exists(k)
    pipe.zrangebyscore(k, newest, "(0", start=0, num=first + 1)
    for name in ("friends", "blocked", "following"):
        pipe.smembers(key(name, viewer_id))
    pipe.smembers(key("big", ""))
    exists, found, *sets, big_members = await pipe.execute()
    loaded = [
        _ids(members) if members else await _reload(name, viewer_id)
        for name, members in zip(("friends", "blocked", "following"), sets, strict=True)
    ]
    friends, blocked, following = loaded
    if not exists:
        await _rebuild(viewer_id)
        found = await redis.zrangebyscore(k, newest, "(0", start=0, num=first + 1)
    ids = [int(i) for i in found]
    merged_authors = following & _ids(big_members)
    if merged_authors:
        rows = Post.filter(
            author_id__in=list(merged_authors), audience=Audience.PUBLIC, deleted_at=None
        )
        if before:
            rows = rows.filter(id__lt=before)
        extra = await rows.order_by("-id").limit(first + 1).values_list("id", flat=True)
        ids = sorted(set(ids) | set(extra), reverse=True)
    relations = Relations(viewer_id=viewer_id, friends=friends, blocked=blocked)
    return ids[:first], len(ids) > first, relations
