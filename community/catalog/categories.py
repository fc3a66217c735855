"""The category tree. Top-level slugs are the profile interest slugs, so interests and
categories line up. ``sync_categories`` inserts what is missing (run by ``haowu migrate``)."""

from __future__ import annotations

from community.accounts.models import INTERESTS
from community.catalog.models import Category

__all__ = ["TREE", "sync_categories"]

TREE: dict[str, dict[str, str]] = {
    "fashion": {
        "fashion-women": "Women",
        "fashion-men": "Men",
        "fashion-bags": "Bags & Accessories",
    },
    "beauty": {
        "beauty-skincare": "Skincare",
        "beauty-makeup": "Makeup",
        "beauty-hair": "Hair care",
    },
    "electronics": {
        "electronics-phones": "Phones & Accessories",
        "electronics-audio": "Audio",
        "electronics-computers": "Computers",
    },
    "home": {
        "home-kitchen": "Kitchen & Dining",
        "home-decor": "Decor",
        "home-textiles": "Textiles",
    },
    "food": {"food-tea": "Tea", "food-snacks": "Snacks", "food-coffee": "Coffee"},
    "sports": {"sports-running": "Running", "sports-outdoor": "Camping & Hiking"},
    "books": {"books-stationery": "Stationery", "books-reading": "Books"},
    "kids": {"kids-toys": "Toys", "kids-baby": "Baby care"},
    "pets": {"pets-cats": "Cats", "pets-dogs": "Dogs"},
    "crafts": {"crafts-ceramics": "Ceramics", "crafts-textile": "Textile crafts"},
}


async def sync_categories() -> int:
    """Create the categories that do not exist yet; returns how many were created."""
    existing = set(await Category.all().values_list("slug", flat=True))
    created = 0
    for position, (slug, name) in enumerate(INTERESTS.items()):
        if slug not in existing:
            await Category.create(slug=slug, name=name, position=position)
            created += 1
    parents = {c.slug: c for c in await Category.filter(parent_id=None)}
    for parent_slug, children in TREE.items():
        for position, (slug, name) in enumerate(children.items()):
            if slug not in existing:
                await Category.create(
                    slug=slug, name=name, parent=parents[parent_slug], position=position
                )
                created += 1
    return created
