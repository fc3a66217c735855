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
