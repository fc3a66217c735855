"""Product search: catalog changes are streamed to the worker, which keeps the Whoosh index
(one writer) in step; queries read the index from any process."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from community.catalog.models import Category, Product, ProductStatus, Shop
from community.infra import runtime, streams
from search import SearchIndex

__all__ = ["drain", "product_changed", "rebuild", "search_products"]

STREAM = "catalog"
GROUP = "search-indexer"


@cache
def _index(path: Path) -> SearchIndex:
    return SearchIndex(path)


def index() -> SearchIndex:
    return _index(runtime.get().settings.data_dir / "search")


async def product_changed(product_id: int) -> None:
    """After commit: ask the indexer to refresh one product."""
    await streams.emit(STREAM, product_id=product_id)


async def _documents(product_ids: Sequence[int]) -> tuple[list[dict[str, object]], list[str]]:
    products = await Product.filter(id__in=list(product_ids))
    shops = {s.id: s for s in await Shop.filter(id__in={p.shop_id for p in products})}  # type: ignore[attr-defined]
    categories = {c.id: c for c in await Category.all()}
    documents, gone = [], []
    found = {p.id for p in products}
    gone = [f"product:{i}" for i in product_ids if i not in found]
    for product in products:
        if product.status != ProductStatus.ACTIVE:
            gone.append(f"product:{product.id}")
            continue
        category = categories.get(product.category_id)  # type: ignore[attr-defined]
        parent = categories.get(category.parent_id) if category and category.parent_id else None  # type: ignore[attr-defined]
        documents.append(
            {
                "id": f"product:{product.id}",
                "kind": "product",
                "title": product.title,
                "body": product.description,
                "tags": [c.name for c in (category, parent) if c is not None]
                + [shops[product.shop_id].name],  # type: ignore[attr-defined]
                "price": product.price_from,
                "audience": "PUBLIC",
            }
        )
    return documents, gone


async def _apply(events: list[dict[str, str]]) -> None:
    ids = sorted({int(e["product_id"]) for e in events if e.get("product_id")})
    documents, gone = await _documents(ids)
    if gone:
        index().delete(gone)
    if documents:
        index().add(documents)


async def drain(block_ms: int | None = None) -> int:
    """Index what the catalog streamed since last time (the worker's sweep; tests call it)."""
    return await streams.consume(STREAM, GROUP, _apply, block_ms=block_ms)


async def rebuild() -> int:
    """Reindex every active product from SQL (``haowu reindex``)."""
    index().clear()
    ids = list(await Product.filter(status=ProductStatus.ACTIVE).values_list("id", flat=True))
    for start in range(0, len(ids), 500):
        documents, _ = await _documents(ids[start : start + 500])
        index().add(documents)
    return len(ids)


async def search_products(text: str, limit: int = 50) -> list[int]:
    """Ids of active products matching ``text``, best first."""
    hits = index().query(text, kinds=["product"], limit=limit)
    return [int(h.id.split(":", 1)[1]) for h in hits.hits]
