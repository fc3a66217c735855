"""``haowu seed-demo``: a small, realistic community so the app looks alive on first start.

Everything goes through the domain services, as if people had done it by hand. Every demo
account's password is ``DEMO_PASSWORD`` (shown in the README).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from community.accounts import services as accounts
from community.accounts.models import Role, User
from community.catalog import services as catalog
from community.catalog.models import Category, Product, ProductStatus, Shop
from community.infra import clock, runtime
from community.infra.errors import DomainError
from community.ledger import services as ledger
from community.orders import cart
from community.orders import services as orders
from community.orders.models import Address, Order
from community.ratings import services as ratings
from community.ratings.models import Score
from community.social import graph, posts
from community.social.models import Audience

__all__ = ["DEMO_PASSWORD", "PEOPLE", "seed"]

DEMO_PASSWORD = "good finds 2026"


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    bio: str
    interests: tuple[str, ...]
    roles: tuple[Role, ...] = ()


PEOPLE = (
    Person(
        "mei",
        "Mei Chen 陈梅",
        "Tea, ceramics and slow mornings in Hangzhou. I post what I actually use.",
        ("home", "food", "crafts"),
    ),
    Person(
        "jun",
        "Jun Park",
        "Runner, gadget tinkerer. Will compare spec sheets for fun.",
        ("electronics", "sports"),
    ),
    Person(
        "lina",
        "Lina Wu 吴丽娜",
        "Skincare nerd with sensitive skin — honest reviews only.",
        ("beauty", "fashion"),
    ),
    Person(
        "oskar",
        "Oskar Lind",
        "New dad. Looking for things that survive toddlers.",
        ("kids", "home", "books"),
    ),
    Person(
        "xiaoyu",
        "Xiaoyu 小雨",
        "Cat person. Two cats, zero scratched sofas (so far).",
        ("pets", "home"),
    ),
    Person(
        "clayhouse",
        "Clay House Studio",
        "Small-batch stoneware from Jingdezhen, thrown and glazed by hand.",
        ("crafts", "home"),
        (Role.CREATOR,),
    ),
    Person(
        "trailgear",
        "Trail Gear Co.",
        "Lightweight outdoor gear, tested on the Tiger Leaping Gorge trail.",
        ("sports",),
        (Role.CREATOR,),
    ),
    Person(
        "inkandleaf",
        "Ink & Leaf",
        "Notebooks, fountain pens and loose-leaf tea for people who write by hand.",
        ("books", "crafts", "food"),
        (Role.CREATOR,),
    ),
    Person(
        "anna",
        "Anna Rossi",
        "Curator of the Good Find channel. I look for makers who care.",
        ("crafts", "fashion", "home"),
        (Role.CURATOR,),
    ),
    Person(
        "wei",
        "Wei Zhang 张伟",
        "Design judge. Fifteen years in industrial design.",
        ("electronics", "home"),
        (Role.JUDGE,),
    ),
    Person("helpdesk", "Haowu Support", "The people who keep Haowu running.", (), (Role.ADMIN,)),
)


async def _person(person: Person) -> User:
    auth = await accounts.register(
        username=person.username,
        email=f"{person.username}@demo.haowu.example",
        password=DEMO_PASSWORD,
    )
    user = await accounts.update_profile(
        auth.user,
        display_name=person.display_name,
        bio=person.bio,
        interests=list(person.interests),
    )
    for role in person.roles:
        await accounts.grant_role(None, user, role)
    return user


# shop owner → (shop name, description, products); a product is
# (title, category slug, description, [(sku, options, price in fen, stock)])
SHOPS: dict[
    str, tuple[str, str, list[tuple[str, str, str, list[tuple[str, dict[str, str], int, int]]]]]
] = {
    "clayhouse": (
        "Clay House Studio",
        "Small-batch stoneware from Jingdezhen, thrown and glazed by hand.",
        [
            (
                "Celadon teacup",
                "crafts-ceramics",
                "Wheel-thrown, 120 ml, a glaze like spring water.",
                [
                    ("CH-CUP-GRN", {"glaze": "Celadon"}, 4_800, 24),
                    ("CH-CUP-WHT", {"glaze": "Snow"}, 4_200, 12),
                ],
            ),
            (
                "Side-handle teapot",
                "home-kitchen",
                "Holds 300 ml; the lid does not drip.",
                [("CH-POT-300", {}, 26_800, 6)],
            ),
            (
                "Speckled ramen bowl",
                "home-kitchen",
                "Deep enough for broth, wide enough for toppings.",
                [
                    ("CH-BWL-S", {"size": "Small"}, 6_800, 15),
                    ("CH-BWL-L", {"size": "Large"}, 8_800, 9),
                ],
            ),
            (
                "Bud vase trio",
                "home-decor",
                "Three little vases for one stem each.",
                [("CH-VASE-3", {}, 12_800, 8)],
            ),
        ],
    ),
    "trailgear": (
        "Trail Gear Co.",
        "Lightweight outdoor gear, tested on the Tiger Leaping Gorge trail.",
        [
            (
                "Ultralight wind jacket",
                "sports-outdoor",
                "92 g, packs into its own pocket.",
                [
                    (f"TG-WJ-{size}-{c[:3].upper()}", {"size": size, "colour": c}, 39_900, 5)
                    for size in ("S", "M", "L")
                    for c in ("Moss", "Sunset")
                ],
            ),
            (
                "Trail running vest 8L",
                "sports-running",
                "Two soft flasks included.",
                [
                    ("TG-VEST-SM", {"size": "S/M"}, 45_900, 7),
                    ("TG-VEST-LXL", {"size": "L/XL"}, 45_900, 4),
                ],
            ),
            (
                "Titanium spork",
                "sports-outdoor",
                "15 g. Will outlive you.",
                [("TG-SPORK", {}, 6_900, 40)],
            ),
            (
                "Merino hiking socks",
                "sports-outdoor",
                "Two pairs, cushioned heel.",
                [("TG-SOCK-M", {"size": "M"}, 9_900, 30), ("TG-SOCK-L", {"size": "L"}, 9_900, 22)],
            ),
        ],
    ),
    "inkandleaf": (
        "Ink & Leaf",
        "Notebooks, fountain pens and loose-leaf tea for people who write by hand.",
        [
            (
                "Dot-grid notebook A5",
                "books-stationery",
                "160 pages of 100 gsm paper; fountain-pen proof.",
                [
                    ("IL-NB-BLK", {"cover": "Black"}, 8_800, 50),
                    ("IL-NB-RED", {"cover": "Vermilion"}, 8_800, 35),
                ],
            ),
            (
                "Brass fountain pen",
                "books-stationery",
                "Ages to a warm patina. Fine or medium nib.",
                [
                    ("IL-PEN-F", {"nib": "Fine"}, 32_000, 10),
                    ("IL-PEN-M", {"nib": "Medium"}, 32_000, 10),
                ],
            ),
            (
                "Longjing green tea 100 g",
                "food-tea",
                "First flush from Meijiawu village.",
                [("IL-TEA-LJ", {}, 16_800, 20)],
            ),
            (
                "Sumi ink, 30 ml",
                "books-stationery",
                "Pine-soot ink for brush and dip pen.",
                [("IL-INK-30", {}, 3_800, 0)],
            ),
        ],
    ),
}


async def _shops() -> dict[str, list[int]]:
    """Open, verify and fund the demo shops and list their products; returns variant ids."""
    required = runtime.get().settings.shop_deposit_required
    categories = {c.slug: c.id for c in await Category.all()}
    variants: dict[str, list[int]] = {}
    for username, (name, description, products) in SHOPS.items():
        owner = await User.get(username_key=username)
        await catalog.open_shop(owner, name=name, description=description)
        await catalog.start_verification(owner)
        shop = await Shop.get(owner_id=owner.id)
        await catalog.confirm_verification(owner, amount=shop.verification_amount or 0)
        await ledger.top_up(owner.id, amount=required + 20_000)
        await catalog.lock_deposit(owner, amount=required)
        variants[username] = []
        for title, category, text, specs in products:
            product = await catalog.create_product(
                owner,
                title=title,
                category_id=categories[category],
                description=text,
                variants=[
                    catalog.VariantSpec(sku, price, stock, options)
                    for sku, options, price, stock in specs
                ],
                status=ProductStatus.ACTIVE,
            )
            variants[username] += [v.id for v in await product.variants.all().order_by("id")]
    return variants


async def _orders(variants: dict[str, list[int]]) -> None:
    """Orders in every state, so both sides of the marketplace have something to look at."""
    shoppers = {
        u.username: u
        for u in await User.filter(username__in=["mei", "jun", "lina", "oskar", "xiaoyu"])
    }
    sellers = {u.username: u for u in await User.filter(username__in=list(SHOPS))}
    admin = await User.get(username_key="helpdesk")
    addresses = {name: await _shopper(user) for name, user in shoppers.items()}

    async def buy(buyer: str, shop: str, index: int, quantity: int = 1):  # type: ignore[no-untyped-def]
        [order] = await orders.place_order(
            shoppers[buyer],
            items=[(variants[shop][index], quantity)],
            address_id=addresses[buyer].id,
        )
        return order

    async def shipped(buyer: str, shop: str, index: int):  # type: ignore[no-untyped-def]
        order = await buy(buyer, shop, index)
        await orders.pay(shoppers[buyer], order.id)
        await orders.ship_order(
            sellers[shop], order.id, carrier="SF Express", tracking_number=f"SF{order.id:010d}"
        )
        return order

    await buy("jun", "inkandleaf", 0, 2)  # AWAITING_PAYMENT
    paid = await buy("lina", "clayhouse", 0)
    await orders.pay(shoppers["lina"], paid.id)  # PAID
    await orders.send_message(shoppers["lina"], paid.id, body="Could you wrap it as a gift? 谢谢!")
    await orders.send_message(
        sellers["clayhouse"], paid.id, body="Of course — with our paper and a card."
    )
    await shipped("oskar", "trailgear", 7)  # SHIPPED
    for buyer, shop, index in (
        ("mei", "clayhouse", 2),
        ("jun", "trailgear", 9),
        ("mei", "inkandleaf", 4),
    ):
        order = await shipped(buyer, shop, index)
        await orders.confirm_receipt(shoppers[buyer], order.id)  # COMPLETED
    cancelled = await buy("xiaoyu", "clayhouse", 3)
    await orders.cancel_order(shoppers["xiaoyu"], cancelled.id, reason="Ordered the wrong one")
    asked = await shipped("lina", "trailgear", 6)
    await orders.request_refund(
        shoppers["lina"], asked.id, amount=asked.total, reason="The vest is too small."
    )
    back = await shipped("xiaoyu", "inkandleaf", 2)
    await orders.request_refund(
        shoppers["xiaoyu"], back.id, amount=back.total, reason="The nib scratches."
    )
    await orders.respond_to_refund(
        sellers["inkandleaf"],
        back.id,
        accept=True,
        require_return=True,
        note="Sorry! Send it back and we refund in full.",
    )
    disputed = await shipped("oskar", "clayhouse", 1)
    await orders.send_message(
        shoppers["oskar"], disputed.id, body="The cup arrived with a crack in the rim."
    )
    await orders.send_message(
        sellers["clayhouse"], disputed.id, body="It was packed in foam; please send photos."
    )
    await orders.request_refund(
        shoppers["oskar"], disputed.id, amount=disputed.total, reason="Cracked on arrival."
    )
    await orders.respond_to_refund(
        sellers["clayhouse"],
        disputed.id,
        accept=False,
        note="Packed safely; the crack looks like use.",
    )
    decided = await shipped("jun", "clayhouse", 0)
    await orders.request_refund(
        shoppers["jun"], decided.id, amount=decided.total, reason="Wrong glaze colour sent."
    )
    await orders.respond_to_refund(
        sellers["clayhouse"], decided.id, accept=False, note="That is the celadon."
    )
    await orders.decide_dispute(
        admin, decided.id, refund_amount=decided.total, note="The photo shows Snow glaze."
    )


REVIEWS = [
    (Score.GOOD, "Exactly as pictured, lovely packaging.", (5, 5, 4)),
    (Score.GOOD, "Second purchase here, still great.", (5, 5, 5)),
    (Score.GOOD, "", (4, 5, 4)),
    (Score.NEUTRAL, "Fine, but shipping took a week.", (4, 4, 2)),
    (Score.GOOD, "The seller answered all my questions. 好评!", (5, 5, 5)),
    (Score.GOOD, "Good quality for the price.", (4, 4, 4)),
    (Score.GOOD, "Bought it as a gift; they loved it.", (5, 4, 5)),
    (Score.GOOD, "Fast delivery to Shanghai.", (4, 5, 5)),
]


async def _history(variants: dict[str, list[int]]) -> None:
    """Months of completed, rated orders, so shops show credit levels from the start."""
    buyers = [await User.get(username_key=n) for n in ("mei", "jun", "lina", "oskar", "xiaoyu")]
    sellers = {n: await User.get(username_key=n) for n in SHOPS}
    addresses = {b.id: await _shopper(b) for b in buyers}
    # Eight rounds of ~26 days end about a week ago.
    start = clock.now() - timedelta(days=215)
    with clock.use(clock.FrozenClock(start)) as frozen:
        for round_no, (score, comment, stars) in enumerate(REVIEWS):
            for shop_no, (shop, seller) in enumerate(sellers.items()):
                buyer = buyers[(round_no + shop_no) % len(buyers)]
                variant = variants[shop][(round_no * 3 + shop_no) % len(variants[shop])]
                try:
                    [order] = await orders.place_order(
                        buyer, items=[(variant, 1)], address_id=addresses[buyer.id].id
                    )
                except DomainError:
                    continue  # out of stock: skip this one
                await orders.pay(buyer, order.id)
                await orders.ship_order(
                    seller, order.id, carrier="SF Express", tracking_number=f"SF{order.id:010d}"
                )
                frozen.advance(days=2)  # type: ignore[attr-defined]
                await orders.confirm_receipt(buyer, order.id)
                rating = await ratings.rate_order(
                    buyer, order.id, score=score, comment=comment, store=ratings.StoreScores(*stars)
                )
                await ratings.rate_order(
                    seller, order.id, score=Score.GOOD, comment="Smooth buyer, thanks!"
                )
                if score != Score.GOOD:
                    await ratings.reply_to_rating(
                        seller, rating.id, body="Sorry about the wait — we switched couriers since."
                    )
            frozen.advance(days=20)  # type: ignore[attr-defined]


async def _shopper(user: User) -> Address:
    """The shopper's address (made once) and a wallet with money in it."""
    found = await Address.filter(user_id=user.id, deleted=False).order_by("id").first()
    if found is not None:
        return found
    await ledger.top_up(user.id, amount=200_000)
    return await cart.add_address(
        user,
        recipient=user.display_name,
        phone="+86 138 0013 8000",
        line1=f"{len(user.username) * 11} Wensan Road",
        city="Hangzhou",
        region="Zhejiang",
        postcode="310000",
    )


FRIENDS = [
    ("mei", "jun"), ("mei", "lina"), ("mei", "oskar"), ("jun", "lina"),
    ("lina", "xiaoyu"), ("oskar", "xiaoyu"), ("mei", "xiaoyu"), ("anna", "mei"),
]  # fmt: skip
FOLLOWS = {
    "mei": ["clayhouse", "inkandleaf", "anna"],
    "jun": ["trailgear", "wei"],
    "lina": ["clayhouse", "anna"],
    "oskar": ["trailgear", "inkandleaf"],
    "xiaoyu": ["clayhouse", "wei", "anna"],
}
# (author, audience, text, attached product titles, comments [(author, text)], likers)
POSTS = [
    ("clayhouse", Audience.PUBLIC, "Fresh out of the kiln this morning: a new batch of celadon cups 🍵",
     ["Celadon teacup"], [("mei", "That green! Ordering two."), ("lina", "Do you ship to Chengdu?")],
     ["mei", "lina", "xiaoyu"]),
    ("mei", Audience.FRIENDS, "Which one should I get for my mum — the teapot or the bud vases? @lina",
     ["Side-handle teapot", "Bud vase trio"], [("lina", "Teapot, she drinks tea all day"),
                                               ("jun", "Vases! Flowers last longer than tea")],
     ["lina", "jun", "oskar"]),
    ("trailgear", Audience.PUBLIC, "Tested the new wind jacket at 4,000 m. 92 g and it held up.",
     ["Ultralight wind jacket"], [("jun", "Need this for the Gorge trail in May.")], ["jun", "oskar"]),
    ("jun", Audience.FRIENDS, "Finally finished the half marathon. The vest was worth every fen.",
     ["Trail running vest 8L"], [("mei", "So proud of you!!")], ["mei", "lina"]),
    ("inkandleaf", Audience.PUBLIC, "Spring Longjing has landed. Limited to 20 tins this year.",
     ["Longjing green tea 100 g"], [], ["mei", "oskar", "xiaoyu"]),
    ("oskar", Audience.FRIENDS, "Toddler-proof update: the ramen bowl survived a fall from the table.",
     ["Speckled ramen bowl"], [("xiaoyu", "Now that's a product test 😂")], ["mei", "xiaoyu"]),
    ("xiaoyu", Audience.PUBLIC, "My cats have claimed the new notebook as a bed. Typical.", [], [],
     ["lina", "oskar"]),
    ("lina", Audience.FRIENDS, "Honest review coming soon: does the sumi ink stain? (Yes.)", [],
     [("mei", "Asking for a friend: does it wash out?")], ["xiaoyu"]),
    ("anna", Audience.PUBLIC, "Looking for small makers for next month's Good Find — who should I visit?",
     [], [("mei", "@clayhouse obviously!")], ["mei", "lina", "xiaoyu"]),
    ("mei", Audience.PRIVATE, "Note to self: birthday list for Jun — running socks, the brass pen.", [], [], []),
]  # fmt: skip


async def _social(users: dict[str, User]) -> None:
    """Friendships, follows, posts with products, comments and likes."""
    for a, b in FRIENDS:
        request = await graph.send_friend_request(users[a], users[b].id)
        await graph.accept_friend_request(users[b], request.id)
    for follower, followees in FOLLOWS.items():
        for followee in followees:
            await graph.follow(users[follower], users[followee].id)
    titles = {p.title: p.id for p in await Product.all()}
    for author, audience, text, products, comments, likers in POSTS:
        post = await posts.create_post(
            users[author], body=text, audience=audience, product_ids=[titles[t] for t in products]
        )
        for commenter, body in comments:
            await posts.comment(users[commenter], post.id, body=body)
        for liker in likers:
            await posts.like(users[liker], post_id=post.id)
    # One pending request, so the requests page is not empty on first start.
    await graph.send_friend_request(users["oskar"], users["jun"].id)


async def seed(*, only_if_empty: bool = False) -> bool:
    """Load the demo community; returns False when ``only_if_empty`` and people exist."""
    if only_if_empty and await User.exists():
        return False
    for person in PEOPLE:
        await _person(person)
    variants = await _shops()
    await _history(variants)  # the past first, so order numbers follow dates
    await _orders(variants)
    await _social({u.username: u for u in await User.all()})
    completed = await Order.filter(
        buyer_id=(await User.get(username_key="mei")).id, status="COMPLETED"
    ).first()
    if completed is not None:
        mei = await User.get(username_key="mei")
        await posts.share_purchase(mei, completed.id, body="Love these — exactly as pictured.")
    return True
