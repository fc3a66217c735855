"""Full-text search over plain dicts with Whoosh; knows nothing of the ORM.

    index = SearchIndex(path)
    index.add([{"id": "product:1", "kind": "product", "title": "Celadon teacup", …}])
    index.query("teacup", kinds=["product"]) -> Results

English text is stemmed; Chinese is cut into words by jieba, so "青瓷茶杯" finds "茶杯".
Whoosh allows one writer at a time per index: call ``add``/``delete`` from one process (the
indexer), read from any.
"""

from search.index import Hit, Results, SearchIndex

__all__ = ["Hit", "Results", "SearchIndex"]
