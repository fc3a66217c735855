"""What is for sale, as an order freezes it, and stock taken and given back by orders.

Checkout is the hottest write path, so these are hand-written statements
(:mod:`community.infra.sql`): one read for all offers, one conditional UPDATE for all stock.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from community.catalog.errors import CatalogCode
from community.catalog.models import Product, ProductStatus, Variant
from community.infra import db, sql
from community.infra.errors import DomainError

__all__ = ["Offer", "offers", "release_stock", "reserve_stock"]


@dataclass(frozen=True, slots=True)
class Offer:
    """A variant for sale now, with what an order line copies of it."""

    variant_id: int
    product_id: int
    shop_id: int
    owner_id: int
    title: str
    sku: str
    options: dict[str, str]
    image_url: str
    price: int


_OPTIONS = Variant._meta.fields_map["options"]
_IMAGES = Product._meta.fields_map["image_urls"]


async def offers(variant_ids: Collection[int]) -> dict[int, Offer]:
    """The variants among ``variant_ids`` that can be bought now (an active variant of an
    active product), by id, in one query."""
    if not variant_ids:
        return {}
    ids = sorted(variant_ids)
    rows = await sql.fetch(
        "SELECT v.id, v.product_id, v.sku, v.options, v.price, p.shop_id, p.title, "
        "p.image_urls, s.owner_id FROM catalog_variant v "
        "JOIN catalog_product p ON p.id = v.product_id JOIN catalog_shop s ON s.id = p.shop_id "
        f"WHERE v.id IN ({sql.placeholders(ids, 2)}) AND v.is_active AND p.status = $1",
        ProductStatus.ACTIVE.value,
        *ids,
    )
    found = {}
    for r in rows:
        images = _IMAGES.to_python_value(r["image_urls"]) or [""]
        found[r["id"]] = Offer(
            variant_id=r["id"],
            product_id=r["product_id"],
            shop_id=r["shop_id"],
            owner_id=r["owner_id"],
            title=r["title"],
            sku=r["sku"],
            options=_OPTIONS.to_python_value(r["options"]),
            image_url=images[0],
            price=r["price"],
        )
    return found


def _stock_update(quantities: dict[int, int], sign: str, *, check: bool) -> tuple[str, list[Any]]:
    """One UPDATE for every variant of an order: ``stock = stock ± CASE id … END``."""
    ids = sorted(quantities)
    values: list[Any] = []
    for i in ids:
        values += [i, quantities[i]]
    case = " ".join(f"WHEN ${2 * n + 1} THEN CAST(${2 * n + 2} AS BIGINT)" for n in range(len(ids)))
    in_list = ", ".join(f"${2 * n + 1}" for n in range(len(ids)))
    statement = (
        f"UPDATE catalog_variant SET stock = stock {sign} (CASE id {case} END) "
        f"WHERE id IN ({in_list})"
    )
    if check:
        # The same CASE again: the row is only touched when it has enough stock left.
        statement += f" AND is_active AND stock >= (CASE id {case} END)"
    return statement, values


async def reserve_stock(quantities: dict[int, int]) -> None:
    """Take stock for an order, all or nothing (call inside the order's transaction).

    One conditional UPDATE whatever the number of lines: a row is decremented only when it
    has enough stock, so racing buyers can never oversell; if any row is short the whole
    order fails and its transaction rolls back.
    """
    if len(quantities) > 1 and db.is_postgres():
        # Lock the rows in id order first, so two multi-line orders cannot deadlock.
        ids = sorted(quantities)
        await sql.fetch(
            f"SELECT id FROM catalog_variant WHERE id IN ({sql.placeholders(ids)}) "
            "ORDER BY id FOR UPDATE",
            *ids,
        )
    statement, values = _stock_update(quantities, "-", check=True)
    if await sql.execute(statement, *values) != len(quantities):
        raise DomainError(CatalogCode.OUT_OF_STOCK, "Not enough stock left.", "items")


async def release_stock(quantities: dict[int, int]) -> None:
    """Give back stock reserved by a cancelled order (one UPDATE)."""
    if quantities:
        statement, values = _stock_update(quantities, "+", check=False)
        await sql.execute(statement, *values)
