"""Benchmark "feed": the home-feed page and fan-out on a seeded community.

Per backend, a community of 10,000 members (~150 friends each, stored both ways), 200,000
posts (PUBLIC and FRIENDS, a quarter with 1–3 attached products of 20 shops, some liked by
the author's friends) and one account followed by all 10,000 members. The seed is
deterministic and cached: PostgreSQL keeps it in ``haowu_bench``, the embedded backend in
``/tmp/haowu-bench-feed``; it is rebuilt only when its row counts are not the expected ones.

Measured:

1. **SQL per page**, in process (the app over ``httpx.ASGITransport``, statements counted on
   Tortoise's ``tortoise.db_client`` logger): a member's first page (timeline and
   relationship sets rebuilt) and the steady-state page, over many members and page sizes.
2. **HTTP**: the ``HomeFeed`` operation (``first: 20``, by ``documentId``) against a real
   ``haowu serve``, rotating over 1,000 members whose timelines were warmed first, and for
   one member; the same page JSON from :mod:`bench.feed_naive_app` (graphene +
   graphql-server, from memory, no caching) and from :mod:`bench.bare_app` (bare Starlette).
3. **Fan-out**: every member's timeline made to exist (full, as the SQL rebuild would fill
   it), then one public post of the followed account pushed into its 10,000 followers'
   timelines with ``feeds.add_to_timelines``; and the Redis memory the timelines take.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import shutil
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from tortoise import connections
from tortoise.transactions import in_transaction

from bench.common import (
    Load,
    Options,
    Result,
    backend_env,
    haowu_server,
    load,
    print_table,
    run_loadgen,
    uvicorn_server,
)
from bench.inprocess import run_async, runtime_started, settings_for, statements
from community.accounts import passwords
from community.accounts.models import Session, User
from community.api.documents import OPERATIONS_DIR
from community.catalog import services as catalog
from community.catalog.models import Category, Product, ProductStatus, Shop
from community.infra import clock, db, runtime
from community.ledger import services as ledger
from community.settings import Settings
from community.social import feeds
from community.social.models import Audience, Post

__all__ = ["print_report", "run"]

USERS = 10_000
FRIEND_PICKS = 75  # each member befriends 75 others at random: ~150 friends each
POSTS = 200_000
SHOPS = 20
PRODUCTS_PER_SHOP = 10
SEED = 20_240_601
ROTATION = 1_000  # members the HTTP load rotates over
COUNTED_MEMBERS = 30  # members whose pages are counted in process
FANOUT_ROUNDS = 5
EMBEDDED_DIR = Path("/tmp/haowu-bench-feed")
PREFIX = "feedu"
STAR = "feedstar"
PASSWORD = "plum blossom teapot 42"
SOCIAL_TABLES = (
    "social_post",
    "social_like",
    "social_friendship",
    "social_follow",
    "social_comment",
    "social_notification",
    "social_block",
    "social_friend_request",
)
HOME_FEED = (OPERATIONS_DIR / "HomeFeed.graphql").read_text()
PAGE_PREFIX = '{"data":{"homeFeed":{"edges":[{"node":{"id":"'
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
# Targets
PAGE_QUERIES_TARGET = 4  # SQL statements per page, the session lookup included
FANOUT_TARGET_MS = 100.0
NAIVE_RATIO_TARGET = 1.0


def username(index: int) -> str:
    return f"{PREFIX}{index:05d}"


def token_of(index: int) -> str:
    """The member's bearer token: derived, so a cached seed needs no stored secrets (these
    are benchmark accounts in the benchmark database only)."""
    return "feed-" + hashlib.sha256(f"haowu-bench-feed:{index}".encode()).hexdigest()[:40]


# --- the plan (deterministic) -----------------------------------------------------------


@dataclass
class Plan:
    pairs: list[tuple[int, int]]  # friendships (a < b), member indices
    authors: list[int]  # per post: author index
    audiences: list[Audience]
    products: list[list[int]]  # per post: product slots
    images: list[int]  # per post: number of images
    likers: list[list[int]]  # per post: member indices

    @property
    def likes(self) -> int:
        return sum(len(ls) for ls in self.likers)

    def expected_counts(self) -> dict[str, int]:
        return {
            "users": USERS,
            "sessions": USERS,
            "products": SHOPS * PRODUCTS_PER_SHOP,
            "social_friendship": 2 * len(self.pairs),
            "social_post": POSTS,
            "social_like": self.likes,
            "social_follow": USERS,
        }


def make_plan() -> Plan:
    rng = random.Random(SEED)
    pairs: set[tuple[int, int]] = set()
    for i in range(USERS):
        for _ in range(FRIEND_PICKS):
            j = rng.randrange(USERS)
            if j != i:
                pairs.add((i, j) if i < j else (j, i))
    ordered = sorted(pairs)
    friends: list[list[int]] = [[] for _ in range(USERS)]
    for a, b in ordered:
        friends[a].append(b)
        friends[b].append(a)
    authors, audiences, products, images, likers = [], [], [], [], []
    slots = SHOPS * PRODUCTS_PER_SHOP
    for _ in range(POSTS):
        author = rng.randrange(USERS)
        authors.append(author)
        audiences.append(Audience.PUBLIC if rng.random() < 0.6 else Audience.FRIENDS)
        products.append(rng.sample(range(slots), rng.randint(1, 3)) if rng.random() < 0.25 else [])
        images.append(rng.randint(1, 3) if rng.random() < 0.5 else 0)
        pool = friends[author]
        if pool and rng.random() < 0.3:
            likers.append(rng.sample(pool, min(len(pool), rng.randint(1, 12))))
        else:
            likers.append([])
    return Plan(ordered, authors, audiences, products, images, likers)


# --- bulk writes ----------------------------------------------------------------------


def _pg_url(settings: Settings) -> str:
    url = settings.db_url
    return "postgresql://" + url.split("://", 1)[1]


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return value


async def _bulk(
    settings: Settings, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert many rows: COPY on PostgreSQL, one ``executemany`` transaction on SQLite."""
    if not rows:
        return
    if db.is_postgres():
        import asyncpg

        json_columns = {"interests", "image_urls", "product_ids", "activity"}
        positions = [i for i, c in enumerate(columns) if c in json_columns]
        if positions:
            rows = [
                tuple(
                    json.dumps(v, separators=(",", ":")) if i in positions else v
                    for i, v in enumerate(row)
                )
                for row in rows
            ]
        conn = await asyncpg.connect(_pg_url(settings))
        try:
            await conn.copy_records_to_table(table, records=rows, columns=list(columns))
        finally:
            await conn.close()
        return
    marks = ", ".join("?" for _ in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
    converted = [tuple(_sqlite_value(v) for v in row) for row in rows]
    async with in_transaction() as conn:
        for start in range(0, len(converted), 50_000):
            await conn.execute_many(sql, converted[start : start + 50_000])


async def _scalar(sql: str) -> int:
    _, rows = await connections.get("default").execute_query(sql)
    return int(next(iter(dict(rows[0]).values())))


# --- seeding ----------------------------------------------------------------------------


async def _member_ids() -> dict[str, int]:
    rows = await User.filter(username_key__startswith=PREFIX).values_list("username_key", "id")
    return {str(name): int(uid) for name, uid in rows}


async def _seed_users(settings: Settings) -> tuple[list[int], int, bool]:
    """The 10,000 members and the followed account (inserted when missing)."""
    found = await _member_ids()
    wanted = [username(i) for i in range(USERS)]
    star = await User.get_or_none(username_key=STAR)
    missing = [n for n in wanted if n not in found]
    if not star:
        missing.append(STAR)
    if missing:
        password_hash = await passwords.hash_password(PASSWORD, settings.password_profile)
        now = clock.now()
        rows = []
        for name in missing:
            n = int(name[len(PREFIX) :]) if name != STAR else -1
            rows.append(
                (
                    name,
                    name,
                    f"{name}@example.com",
                    password_hash,
                    f"Member {n}" if n >= 0 else "Teahouse Star",
                    "",
                    f"https://img.example.com/avatar/{n}.jpg" if n % 2 else "",
                    [],
                    True,
                    now,
                    now,
                )
            )
        columns = (
            "username",
            "username_key",
            "email",
            "password_hash",
            "display_name",
            "bio",
            "avatar_url",
            "interests",
            "is_active",
            "created_at",
            "updated_at",
        )
        await _bulk(settings, "accounts_user", columns, rows)
        found = await _member_ids()
    star = await User.get(username_key=STAR)
    return [found[n] for n in wanted], star.id, bool(missing)


async def _seed_sessions(settings: Settings, ids: list[int]) -> bool:
    hashes = [hashlib.sha256(token_of(i).encode()).hexdigest() for i in range(USERS)]
    have = await Session.filter(token_hash__in=hashes).count()
    if have == USERS:
        return False
    await Session.filter(token_hash__in=hashes).delete()
    now = clock.now()
    rows = [
        (uid, h, now, now + timedelta(days=3650), None, "bench", "127.0.0.1")
        for uid, h in zip(ids, hashes, strict=True)
    ]
    columns = (
        "user_id",
        "token_hash",
        "created_at",
        "expires_at",
        "revoked_at",
        "user_agent",
        "address",
    )
    await _bulk(settings, "accounts_session", columns, rows)
    return True


async def _seed_shops(ids: list[int]) -> tuple[list[int], bool]:
    """Shops for the first 20 members, 10 active products each, through the services."""
    changed = False
    category = await Category.get(slug="crafts-ceramics")
    required = runtime.get().settings.shop_deposit_required
    for index in range(SHOPS):
        user = await User.get(id=ids[index])
        shop = await Shop.get_or_none(owner_id=user.id)
        if shop is None:
            changed = True
            await catalog.open_shop(user, name=f"Kiln {index}")
            await catalog.start_verification(user)
            sent = (await Shop.get(owner_id=user.id)).verification_amount
            await catalog.confirm_verification(user, amount=sent)
            await ledger.top_up(user.id, amount=required)
            await catalog.lock_deposit(user, amount=required)
            shop = await Shop.get(owner_id=user.id)
        have = await Product.filter(shop_id=shop.id).count()
        for n in range(have, PRODUCTS_PER_SHOP):
            changed = True
            await catalog.create_product(
                user,
                title=f"Celadon teacup {index}-{n}",
                category_id=category.id,
                image_urls=[f"https://img.example.com/product/{index}-{n}.jpg"],
                variants=[
                    catalog.VariantSpec(sku=f"FEED-{index}-{n}", price=1_800 + 100 * n, stock=500)
                ],
                status=ProductStatus.ACTIVE,
            )
    shop_ids = await Shop.filter(owner_id__in=ids[:SHOPS]).values_list("id", flat=True)
    products = (
        await Product.filter(shop_id__in=list(shop_ids)).order_by("id").values_list("id", flat=True)
    )
    return [int(p) for p in products], changed


async def _social_counts() -> dict[str, int]:
    return {t: await _scalar(f"SELECT COUNT(*) AS n FROM {t}") for t in SOCIAL_TABLES[:4]}


async def _clear_social() -> None:
    conn = connections.get("default")
    if db.is_postgres():
        await conn.execute_script(f"TRUNCATE {', '.join(SOCIAL_TABLES)} RESTART IDENTITY;")
    else:
        async with in_transaction() as tx:
            for table in SOCIAL_TABLES:
                await tx.execute_script(f"DELETE FROM {table};")


async def _seed_social(
    settings: Settings, plan: Plan, ids: list[int], star: int, products: list[int]
) -> None:
    await _clear_social()
    now = clock.now()
    start = now - timedelta(days=90)
    step = timedelta(days=90) / POSTS
    since = now - timedelta(days=120)
    friendships = [(ids[a], ids[b], since) for a, b in plan.pairs]
    friendships += [(ids[b], ids[a], since) for a, b in plan.pairs]
    await _bulk(settings, "social_friendship", ("user_id", "friend_id", "since"), friendships)
    await _bulk(
        settings,
        "social_follow",
        ("follower_id", "followee_id", "since"),
        [(uid, star, since) for uid in ids],
    )
    rows = []
    for k in range(POSTS):
        author = plan.authors[k]
        images = [f"https://img.example.com/post/{k}-{n}.jpg" for n in range(plan.images[k])]
        attached = [products[s] for s in plan.products[k]]
        body = f"Post {k} by member {author}: tea, clay and a quiet afternoon."
        rows.append(
            (
                ids[author],
                "POST",
                body,
                images,
                attached,
                plan.audiences[k].value,
                None,
                {},
                len(plan.likers[k]),
                0,
                start + step * k,
                None,
                None,
            )
        )
    columns = (
        "author_id",
        "kind",
        "body",
        "image_urls",
        "product_ids",
        "audience",
        "order_id",
        "activity",
        "like_count",
        "comment_count",
        "created_at",
        "edited_at",
        "deleted_at",
    )
    await _bulk(settings, "social_post", columns, rows)
    post_ids = await Post.all().order_by("id").values_list("id", flat=True)
    if len(post_ids) != POSTS:
        raise RuntimeError(f"seeded {len(post_ids)} posts, expected {POSTS}")
    likes = [
        (ids[u], f"post:{post_ids[k]}", post_ids[k], None, start + step * k)
        for k in range(POSTS)
        for u in plan.likers[k]
    ]
    columns = ("user_id", "target", "post_id", "comment_id", "created_at")
    await _bulk(settings, "social_like", columns, likes)
    if db.is_postgres():
        # As a long-running database would be: statistics, and a visibility map for
        # index-only scans.
        await connections.get("default").execute_script(
            "VACUUM ANALYZE accounts_user, accounts_session, social_post, social_like, "
            "social_friendship, social_follow, catalog_product, catalog_shop;"
        )


@dataclass
class Seeded:
    ids: list[int]
    star: int
    seconds: float
    reseeded: bool
    counts: dict[str, int]


async def _seed(settings: Settings, plan: Plan, say: Any, force: bool = False) -> Seeded:
    started = time.perf_counter()
    # Leftovers of an interrupted run: the followed account's posts.
    star_row = await User.get_or_none(username_key=STAR)
    if star_row is not None:
        await Post.filter(author_id=star_row.id).delete()
    ids, star, users_changed = await _seed_users(settings)
    sessions_changed = await _seed_sessions(settings, ids)
    products, shops_changed = await _seed_shops(ids)
    counts = await _social_counts()
    expected = plan.expected_counts()
    social_ok = all(counts[t] == expected[t] for t in counts)
    reseed = force or users_changed or shops_changed or not social_ok
    if reseed:
        say(f"feed: seeding {USERS:,} members, {POSTS:,} posts, friendships and likes …")
        await _seed_social(settings, plan, ids, star, products)
        counts = await _social_counts()
    counts |= {"products": len(products), "users": len(ids)}
    if any(counts[t] != expected[t] for t in counts):
        raise RuntimeError(f"seed counts {counts} differ from the plan {expected}")
    return Seeded(
        ids=ids,
        star=star,
        seconds=time.perf_counter() - started,
        reseeded=reseed or sessions_changed,
        counts=counts,
    )


# --- SQL per page (in process) ----------------------------------------------------------


def _kind(statement: str) -> str:
    """A short name for a statement: its first table."""
    for word in statement.replace('"', " ").split():
        if "_" in word and word.split("_")[0] in {"accounts", "social", "catalog"}:
            return word
    return statement[:40]


async def _count_pages(settings: Settings, seeded: Seeded) -> dict[str, Any]:
    from community.app import create_app

    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 4000))
    members = list(range(ROTATION, ROTATION + COUNTED_MEMBERS))  # not warmed by the HTTP run

    async def page(http: httpx.AsyncClient, index: int, first: int) -> tuple[list[str], Any]:
        body = {"query": HOME_FEED, "variables": {"first": first}}
        headers = {"Authorization": f"Bearer {token_of(index)}"}
        with statements() as sent:
            response = await http.post("/graphql", json=body, headers=headers)
        answer = response.json()
        if response.status_code != 200 or "errors" in answer:
            raise RuntimeError(f"home feed failed: {response.status_code} {response.text[:500]}")
        return list(sent), answer["data"]["homeFeed"]

    cold, warm = [], []
    by_size: dict[int, dict[str, int]] = {}
    example: list[str] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        await page(http, members[0], 20)  # compile the document
        for index in members[1:]:
            sent, _ = await page(http, index, 20)
            cold.append(len(sent))
            sent, feed = await page(http, index, 20)
            items = [e["node"] for e in feed["edges"]]
            warm.append(
                {
                    "statements": len(sent),
                    "items": len(items),
                    "with_products": sum(1 for n in items if n["products"]),
                    "liked": sum(1 for n in items if n["viewerHasLiked"]),
                }
            )
            example = sent
        for size in (1, 5, 20, 50, 100):
            sent, feed = await page(http, members[1], size)
            with_products = sum(1 for e in feed["edges"] if e["node"]["products"])
            by_size[size] = {"statements": len(sent), "with_products": with_products}
    warm_counts = [w["statements"] for w in warm]
    session = sum(1 for s in example if "accounts_session" in s)
    return {
        "members": len(warm),
        "cold": {"min": min(cold), "max": max(cold)},
        "warm": {"min": min(warm_counts), "max": max(warm_counts)},
        "by_page_size": by_size,
        "session_lookups": session,
        "page_statements": max(warm_counts) - session,
        # Constant: the same for every member and every page size (pages with products).
        "constant": len(
            set(warm_counts) | {v["statements"] for v in by_size.values() if v["with_products"]}
        )
        == 1,
        "products_on_pages": [w["with_products"] for w in warm],
        "liked_on_pages": [w["liked"] for w in warm],
        "example": [_kind(s) for s in example],
        "example_sql": [s[:300] for s in example],
    }


# --- HTTP -------------------------------------------------------------------------------


async def _warm(url: str, document_id: str, members: list[int], concurrency: int) -> dict[str, Any]:
    """Each member's first page (timeline and relationship sets rebuilt from SQL)."""
    latencies: list[float] = []
    short: list[dict[str, int]] = []
    queue = list(members)
    body = json.dumps({"documentId": document_id, "variables": {"first": 20}})

    async def worker(http: httpx.AsyncClient) -> None:
        while queue:
            index = queue.pop()
            started = time.perf_counter()
            response = await http.post(
                "/graphql",
                content=body,
                headers={**JSON_HEADERS, "Authorization": f"Bearer {token_of(index)}"},
            )
            latencies.append(time.perf_counter() - started)
            data = response.json()
            if response.status_code != 200 or "errors" in data:
                raise RuntimeError(f"warm-up page failed: {response.text[:500]}")
            edges = len(data["data"]["homeFeed"]["edges"])
            if edges != 20:  # every member's timeline holds 800 posts: report, ask again
                again = await http.post(
                    "/graphql",
                    content=body,
                    headers={**JSON_HEADERS, "Authorization": f"Bearer {token_of(index)}"},
                )
                short.append(
                    {
                        "member": index,
                        "edges": edges,
                        "again": len(again.json()["data"]["homeFeed"]["edges"]),
                    }
                )

    started = time.perf_counter()
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "pages": len(members),
        "seconds": elapsed,
        "pages_per_s": len(members) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
        "short_pages": short,
    }


def _http(
    backend: str, options: Options, data_dir: Path, work_dir: Path, say: Any
) -> dict[str, Any]:
    env = backend_env(backend, options)
    results: list[Result] = []
    with haowu_server(data_dir, env) as server:
        document_id = httpx.get(f"{server.url}/operations.json", timeout=10).json()["HomeFeed"]
        rotation = list(range(ROTATION))
        say(f"feed ({backend}): warming {ROTATION:,} members' timelines over HTTP …")
        warmed = run_async(lambda: _warm(server.url, document_id, rotation, options.concurrency))
        body = json.dumps({"documentId": document_id, "variables": {"first": 20}})
        requests = [
            {"headers": {**JSON_HEADERS, "Authorization": f"Bearer {token_of(i)}"}, "body": body}
            for i in rotation
        ]
        say(f"feed ({backend}): HomeFeed pages over HTTP …")
        results.append(
            run_loadgen(
                server,
                {"path": "/graphql", "requests": requests, "expected_prefix": PAGE_PREFIX},
                "real-rotating",
                f"Haowu: HomeFeed, {ROTATION:,} members rotating",
                backend,
                options,
            )
        )
        one = requests[0]["headers"]
        page = httpx.post(server.graphql_url, content=body, headers=one, timeout=10).json()
        results.append(
            load(
                server,
                Load("real-one", "Haowu: HomeFeed, one member", body, page, one),
                backend,
                options,
            )
        )
    page_file = work_dir / f"feed-page-{backend}.json"
    page_file.parent.mkdir(parents=True, exist_ok=True)
    page_file.write_text(json.dumps(page))
    text = json.dumps({"query": HOME_FEED, "variables": {"first": 20}})
    naive_env = {"BENCH_FEED_PAGE": str(page_file)}
    with uvicorn_server("bench.feed_naive_app:create_app", work_dir / "naive", naive_env) as naive:
        job = Load("naive", "naive graphene view, same page from memory", text, page, one)
        results.append(load(naive, job, backend, options))
    bare_env = {"BENCH_BARE_BODY": json.dumps(page)}
    with uvicorn_server("bench.bare_app:create_app", work_dir / "bare", bare_env) as bare:
        job = Load("bare", "bare Starlette, same page JSON", body, page, one)
        results.append(load(bare, job, backend, options))
    by_key = {r.key: r for r in results}
    for r in results:
        r.vs_bare = r.rps / by_key["bare"].rps
    items = page["data"]["homeFeed"]["edges"]
    return {
        "warm_up": warmed,
        "results": [asdict(r) for r in results],
        "page_bytes": len(json.dumps(page, separators=(",", ":"), ensure_ascii=False)),
        "page_items": len(items),
        "page_products": sum(len(e["node"]["products"]) for e in items),
    }


# --- fan-out and memory -----------------------------------------------------------------


async def _timelines(plan: Plan, ids: list[int]) -> dict[int, list[int]]:
    """Every member's home timeline as the SQL rebuild makes it (own posts, friends' PUBLIC
    and FRIENDS posts, the followed account's PUBLIC posts: it has none; the newest CAP),
    computed from the plan and the seeded post ids."""
    post_ids = await Post.all().order_by("id").values_list("id", flat=True)
    if len(post_ids) != POSTS:
        raise RuntimeError(f"{len(post_ids)} posts, expected {POSTS}")
    by_author: list[list[int]] = [[] for _ in range(USERS)]
    for k, author in enumerate(plan.authors):
        by_author[author].append(int(post_ids[k]))
    friends: list[list[int]] = [[] for _ in range(USERS)]
    for a, b in plan.pairs:
        friends[a].append(b)
        friends[b].append(a)
    out: dict[int, list[int]] = {}
    for index, uid in enumerate(ids):
        entries = list(by_author[index])
        for friend in friends[index]:
            entries += by_author[friend]
        entries.sort(reverse=True)
        out[uid] = entries[: feeds.CAP]
    return out


async def _raw_zadd(timelines: dict[int, list[int]], users: list[int]) -> None:
    """Write timelines with hand-packed RESP on one connection: redis-py packs every
    argument in Python, which made filling 8 million entries take longer than Redis did."""
    kwargs = runtime.get().redis.connection_pool.connection_kwargs
    if kwargs.get("path"):
        reader, writer = await asyncio.open_unix_connection(kwargs["path"])
    else:
        reader, writer = await asyncio.open_connection(kwargs["host"], kwargs["port"])

    def command(*args: bytes) -> bytes:
        return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)

    pending = 0

    async def read(n: int) -> None:
        for _ in range(n):
            line = await reader.readline()
            if line.startswith(b"-"):
                raise RuntimeError(f"Redis refused a timeline: {line!r}")

    try:
        preamble = []
        if kwargs.get("password"):
            preamble.append(command(b"AUTH", str(kwargs["password"]).encode()))
        preamble.append(command(b"SELECT", str(kwargs.get("db", 0)).encode()))
        writer.write(b"".join(preamble))
        await read(len(preamble))
        entry: dict[int, bytes] = {}
        for uid in users:
            timeline = timelines[uid]
            for post_id in timeline:
                if post_id not in entry:
                    # Score minus the id, member the id: newest first (see feeds).
                    score, member = str(-post_id).encode(), str(post_id).encode()
                    entry[post_id] = b"$%d\r\n%s\r\n$%d\r\n%s\r\n" % (
                        len(score),
                        score,
                        len(member),
                        member,
                    )
            key = feeds.key("home", uid).encode()
            head = b"*%d\r\n$4\r\nZADD\r\n$%d\r\n%s\r\n$1\r\n0\r\n$1\r\n0\r\n" % (
                4 + 2 * len(timeline),
                len(key),
                key,
            )
            writer.write(head + b"".join(map(entry.__getitem__, timeline)))
            pending += 1
            if pending == 100:
                await writer.drain()
                await read(pending)
                pending = 0
        await writer.drain()
        await read(pending)
    finally:
        writer.close()


async def _settle_persistence(redis: Any) -> None:
    """Filling 9,000 timelines at once makes the embedded Redis rewrite its append-only file
    (a fork, then copy-on-write faults on every page it touches): wait for that to end, so
    the fan-out is measured in the steady state a server spends its time in."""
    for _ in range(1200):
        info = await redis.info("persistence")
        if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
            return
        await asyncio.sleep(0.1)


async def _fanout(plan: Plan, ids: list[int], star: int, say: Any) -> dict[str, Any]:
    redis = runtime.get().redis
    before = int((await redis.info("memory"))["used_memory"])
    existing_before = sum(1 for _ in [k async for k in redis.scan_iter("feed:home:*", count=1000)])
    say("feed: computing every member's timeline …")
    started = time.perf_counter()
    timelines = await _timelines(plan, ids)
    computed = time.perf_counter() - started
    # Timelines the HTTP run built through the real SQL rebuild must match the computed ones.
    pipe = redis.pipeline(transaction=False)
    for uid in ids:
        pipe.exists(feeds.key("home", uid))
    exists = dict(zip(ids, await pipe.execute(), strict=True))
    checked = mismatched = 0
    for uid in [u for u in ids if exists[u]][:50]:
        checked += 1
        mismatched += await feeds.stored(uid) != timelines[uid]
    fill_started = time.perf_counter()
    missing = [u for u in ids if not exists[u]]
    await _raw_zadd(timelines, missing)
    queued = len(missing)
    filled = time.perf_counter() - fill_started
    await _settle_persistence(redis)
    after = int((await redis.info("memory"))["used_memory"])
    sample = random.Random(1).sample(ids, 200)
    usage = [int(await redis.memory_usage(feeds.key("home", u)) or 0) for u in sample]
    sizes = [int(await redis.zcard(feeds.key("home", u))) for u in sample]
    encoding = await redis.object("encoding", feeds.key("home", sample[0]))

    say("feed: fanning posts out to 10,000 followers …")
    followers = [int(u) for u in ids]
    rounds = []
    for n in range(FANOUT_ROUNDS + 1):
        post = await Post.create(
            author_id=star,
            body=f"New teapots in the shop, round {n}",
            audience=Audience.PUBLIC,
            created_at=clock.now(),
        )
        t0 = time.perf_counter()
        audience = await feeds.audience_of(post)
        t1 = time.perf_counter()
        pushed = await feeds.add_to_timelines(post.id, followers)
        t2 = time.perf_counter()
        top = (await feeds.stored(followers[n]))[:1]
        if pushed != len(followers) or top != [post.id]:
            raise RuntimeError(f"fan-out pushed {pushed} (top {top}), expected {len(followers)}")
        if set(audience) - {star} != set(followers):
            raise RuntimeError("audience_of disagrees with the seeded followers")
        rounds.append({"audience_ms": (t1 - t0) * 1000, "add_ms": (t2 - t1) * 1000})
    measured = rounds[1:]  # the first round also loads the Lua script into Redis
    adds = sorted(r["add_ms"] for r in measured)
    await Post.filter(author_id=star).delete()
    sizes_after = int(await redis.zcard(feeds.key("home", followers[0])))
    return {
        "followers": len(followers),
        "add_ms": {"median": statistics.median(adds), "min": adds[0], "max": adds[-1]},
        "first_round_add_ms": rounds[0]["add_ms"],
        "audience_ms": statistics.median(r["audience_ms"] for r in measured),
        "rounds": rounds,
        "timelines_before": existing_before,
        "timelines_checked": checked,
        "timelines_mismatched": mismatched,
        "compute_seconds": computed,
        "fill_seconds": filled,
        "filled": queued,
        "used_memory_before": before,
        "used_memory_after": after,
        "memory_usage_avg": statistics.mean(usage),
        "entries_avg": statistics.mean(sizes),
        "entries_after_fanout": sizes_after,
        "encoding": encoding.decode() if isinstance(encoding, bytes) else str(encoding),
    }


# --- the run ------------------------------------------------------------------------------


def _data_dir(backend: str, tmp: Path) -> Path:
    return EMBEDDED_DIR if backend == "embedded" else tmp / "feed-server"


def _forget_redis(settings: Settings) -> None:
    """Timelines, relationship sets and streams are rebuilt: start every phase from none."""
    if settings.embedded_redis:
        shutil.rmtree(settings.data_dir / "redis", ignore_errors=True)


def run_backend(
    backend: str, options: Options, tmp: Path, plan: Plan, say: Any, reseed: bool = False
) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    data_dir = _data_dir(backend, tmp)
    settings = settings_for(backend, options, data_dir)
    _forget_redis(settings)

    async def prepare() -> tuple[Seeded, dict[str, Any]]:
        async with runtime_started(settings) as rt:
            await rt.redis.flushdb()
            say(f"feed ({backend}): checking the seed …")
            seeded = await _seed(settings, plan, say, force=reseed)
            say(f"feed ({backend}): counting SQL per page in process …")
            counted = await _count_pages(settings, seeded)
            await rt.redis.flushdb()
        return seeded, counted

    seeded, counted = run_async(prepare)
    _forget_redis(settings)
    http = _http(backend, options, data_dir, tmp / f"feed-{backend}", say)

    async def fan_out() -> dict[str, Any]:
        async with runtime_started(settings) as rt:
            try:
                return await _fanout(plan, seeded.ids, seeded.star, say)
            finally:
                await rt.redis.flushdb()

    fanout = run_async(fan_out)
    _forget_redis(settings)
    by_key = {r["key"]: r for r in http["results"]}
    rotating, one, naive = by_key["real-rotating"], by_key["real-one"], by_key["naive"]
    targets = [
        {
            "what": "SQL per steady-state page, the session lookup included (constant)",
            "value": counted["warm"]["max"],
            "target": PAGE_QUERIES_TARGET,
            "met": counted["constant"] and counted["warm"]["max"] <= PAGE_QUERIES_TARGET,
        },
        {
            "what": "fan-out to 10,000 timelines (add_to_timelines, median ms)",
            "value": fanout["add_ms"]["median"],
            "target": FANOUT_TARGET_MS,
            "met": fanout["add_ms"]["median"] <= FANOUT_TARGET_MS,
        },
        {
            "what": "real page req/s ÷ naive in-memory GraphQL page req/s (rotating members)",
            "value": rotating["rps"] / naive["rps"],
            "target": NAIVE_RATIO_TARGET,
            "met": rotating["rps"] / naive["rps"] >= NAIVE_RATIO_TARGET,
        },
        {
            "what": "real page req/s ÷ naive in-memory GraphQL page req/s (one member)",
            "value": one["rps"] / naive["rps"],
            "target": NAIVE_RATIO_TARGET,
            "met": one["rps"] / naive["rps"] >= NAIVE_RATIO_TARGET,
        },
    ]
    return {
        "backend": backend,
        "load_average": {"before": load_before, "after": os.getloadavg()[0]},
        "seed": asdict(seeded) | {"ids": None},
        "queries": counted,
        "http": http,
        "fanout": fanout,
        "targets": targets,
    }


def run(
    backends: list[str], options: Options, tmp: Path, say: Any, reseed: bool = False
) -> list[dict[str, Any]]:
    started = time.perf_counter()
    plan = make_plan()
    say(f"feed: planned the community in {time.perf_counter() - started:.1f} s")
    return [run_backend(b, options, tmp, plan, say, reseed) for b in backends]


# --- the report -----------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f} %"


def _mb(value: float) -> str:
    return f"{value / 1024 / 1024:,.1f} MB"


def print_report(results: list[dict[str, Any]]) -> None:
    rows = []
    for r in results:
        for h in r["http"]["results"]:
            rows.append(
                (
                    h["name"],
                    r["backend"],
                    h["rps"],
                    h["p50_ms"],
                    h["p99_ms"],
                    f"{h['vs_bare']:.3f}x",
                    h["errors"],
                    _pct(h["server_cpu"]),
                    _pct(h["client_cpu"]),
                    _pct(h["host_cpu"]),
                )
            )
    print_table(
        "Home feed over HTTP: HomeFeed page, first: 20 (latency p50/p99 in ms; vs bare = req/s "
        "÷ bare req/s; CPU: 100 % = one core)",
        ["benchmark", "backend", "req/s", "p50", "p99", "vs bare", "errors"]
        + ["server", "client", "host"],
        rows,
    )
    print()
    for r in results:
        b, seed, q, http, fan = r["backend"], r["seed"], r["queries"], r["http"], r["fanout"]
        load = r["load_average"]
        print(
            f"{b}: machine load average (1 min) {load['before']:.2f} before, "
            f"{load['after']:.2f} after ({os.cpu_count()} CPUs: more than that many runnable "
            "processes means they competed for the CPUs)"
        )
        counts = ", ".join(f"{k} {v:,}" for k, v in seed["counts"].items())
        how = "seeded" if seed["reseeded"] else "cached seed (row counts matched), checked"
        print(f"{b}: {how} in {seed['seconds']:.1f} s: {counts}")
        w = http["warm_up"]
        print(
            f"{b}: warm-up: {w['pages']:,} members' first pages (timeline and relationship "
            f"sets rebuilt from SQL) in {w['seconds']:.1f} s = {w['pages_per_s']:,.0f} pages/s, "
            f"p50 {w['p50_ms']:.1f} ms, p99 {w['p99_ms']:.1f} ms; the rows above are measured "
            "after it (steady state: timelines in Redis)"
        )
        if w["short_pages"]:
            print(f"{b}: WARNING: first pages with fewer than 20 posts: {w['short_pages']}")
        print(
            f"{b}: the page: {http['page_items']} posts, {http['page_products']} attached "
            f"products, {http['page_bytes']:,} bytes of JSON"
        )
        by = {h["key"]: h for h in http["results"]}
        for key, label in (("real-rotating", "rotating members"), ("real-one", "one member")):
            real = by[key]
            print(
                f"{b}: real ({label}) / bare = {real['rps'] / by['bare']['rps']:.3f}, "
                f"real ({label}) / naive = {real['rps'] / by['naive']['rps']:.2f}"
            )
        sizes = ", ".join(
            f"first {k}: {v['statements']} ({v['with_products']} with products)"
            for k, v in q["by_page_size"].items()
        )
        print(
            f"{b}: SQL per page (in process, {q['members']} members): steady state "
            f"{q['warm']['min']}–{q['warm']['max']} statements = {q['session_lookups']} session "
            f"lookup + {q['page_statements']} for the page ({' → '.join(q['example'])}); "
            f"by page size: {sizes}; a member's first page (rebuilds): "
            f"{q['cold']['min']}–{q['cold']['max']}; "
            f"pages had {min(q['products_on_pages'])}–{max(q['products_on_pages'])} posts "
            f"with products, {min(q['liked_on_pages'])}–{max(q['liked_on_pages'])} liked"
        )
        add = fan["add_ms"]
        print(
            f"{b}: fan-out of one post to {fan['followers']:,} existing timelines "
            f"(feeds.add_to_timelines, {len(fan['rounds']) - 1} posts): median {add['median']:.1f} "
            f"ms, min {add['min']:.1f}, max {add['max']:.1f} (first call, loading the script: "
            f"{fan['first_round_add_ms']:.1f} ms); feeds.audience_of: {fan['audience_ms']:.1f} ms"
        )
        print(
            f"{b}: timelines: {fan['filled']:,} filled in {fan['fill_seconds']:.1f} s (computed in "
            f"{fan['compute_seconds']:.1f} s), {fan['timelines_checked']} rebuilt by the server "
            f"compared: {fan['timelines_mismatched']} differ; {fan['entries_avg']:.0f} entries "
            f"each ({fan['encoding']}), MEMORY USAGE {fan['memory_usage_avg'] / 1024:,.1f} KiB per "
            f"timeline → {_mb(fan['memory_usage_avg'] * fan['followers'])} for "
            f"{fan['followers']:,}; used_memory {_mb(fan['used_memory_before'])} (with "
            f"{fan['timelines_before']:,} timelines) → {_mb(fan['used_memory_after'])}, "
            f"{(fan['used_memory_after'] - fan['used_memory_before']) / max(fan['filled'], 1) / 1024:,.1f}"
            " KiB per filled timeline"
        )
        for t in r["targets"]:
            value = t["value"]
            shown = f"{value:,.2f}" if isinstance(value, float) else str(value)
            op = "≥" if "÷" in t["what"] else "≤"
            print(
                f"{b}: target {t['what']} {op} {t['target']:g}: {shown} → "
                f"{'met' if t['met'] else 'NOT met'}"
            )
