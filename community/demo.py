"""``haowu seed-demo``: a small, realistic community so the app looks alive on first start.

Everything goes through the domain services, as if people had done it by hand. Every demo
account's password is ``DEMO_PASSWORD`` (shown in the README).
"""

from __future__ import annotations

from dataclasses import dataclass

from community.accounts import services as accounts
from community.accounts.models import Role, User

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


async def seed(*, only_if_empty: bool = False) -> bool:
    """Load the demo community; returns False when ``only_if_empty`` and people exist."""
    if only_if_empty and await User.exists():
        return False
    for person in PEOPLE:
        await _person(person)
    return True
