"""The demo community loads through the services and only once with --if-empty."""

from __future__ import annotations

from community import demo
from community.accounts import services as accounts
from community.accounts.models import Role, User


async def test_seed_demo_loads_people_with_roles_once() -> None:
    assert await demo.seed(only_if_empty=True) is True
    assert await User.all().count() == len(demo.PEOPLE)
    assert await demo.seed(only_if_empty=True) is False
    creators = [p.username for p in demo.PEOPLE if Role.CREATOR in p.roles]
    users = {u.username: u for u in await User.filter(username__in=creators)}
    roles = await accounts.roles_of([u.id for u in users.values()])
    assert all(Role.CREATOR in r for r in roles.values()) and len(users) >= 3
    auth = await accounts.login(login="mei", password=demo.DEMO_PASSWORD)
    assert auth.user.display_name.startswith("Mei") and auth.user.interests


async def test_seed_demo_has_shops_products_and_orders_in_every_state() -> None:
    from community.catalog.models import Product, Shop, VerificationStatus
    from community.ledger import services as ledger
    from community.orders.models import Order, OrderStatus

    await demo.seed()
    shops = await Shop.all()
    assert len(shops) == 3 and all(s.verification == VerificationStatus.VERIFIED for s in shops)
    assert await Product.all().count() >= 12
    states = set(await Order.all().values_list("status", flat=True))
    assert states == set(OrderStatus)
    assert await ledger.check_invariants() == []
    from community.ratings.levels import level_for
    from community.ratings.models import Credit, CreditRole

    for shop in shops:
        credit = await Credit.get(user_id=shop.owner_id, role=CreditRole.SELLER)
        assert level_for(credit.score) is not None  # every shop shows a credit level


async def test_seed_demo_makes_the_feed_look_alive() -> None:
    from community.accounts.models import User
    from community.social import feeds
    from community.social.models import Post

    await demo.seed()
    mei = await User.get(username_key="mei")
    ids, _, _ = await feeds.home(mei.id, first=20, before=None)
    assert len(ids) >= 8
    assert await Post.filter(kind="PURCHASE").exists()
    assert len(await feeds.friends_of(mei.id)) >= 4
