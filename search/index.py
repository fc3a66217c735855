"""The index: a schema of a few fields, writes of plain dicts, and queries returning ids."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.highlight import ContextFragmenter, HtmlFormatter
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import And, Or, Term
from whoosh.writing import CLEAR

from search.analysis import analyzer

__all__ = ["Hit", "Results", "SearchIndex"]

Document = dict[str, Any]


def _schema() -> Schema:
    text = analyzer()
    return Schema(
        id=ID(stored=True, unique=True),  # "product:12"
        kind=KEYWORD(stored=True),  # "product", "post", …
        title=TEXT(analyzer=text, stored=True, field_boost=2.0),
        body=TEXT(analyzer=text, stored=True),
        tags=KEYWORD(lowercase=True, commas=True),
        price=NUMERIC(int, stored=True),  # minor units (whoosh crashes on float sortables)
        audience=KEYWORD(stored=True),
    )


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    score: float
    highlight: str


@dataclass(frozen=True)
class Results:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0

    @property
    def ids(self) -> list[str]:
        return [h.id for h in self.hits]


class SearchIndex:
    """One Whoosh index in a directory (created on first use)."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if whoosh_index.exists_in(str(path)):
            self._index = whoosh_index.open_dir(str(path))
        else:
            self._index = whoosh_index.create_in(str(path), _schema())
        self._lock = threading.Lock()  # one writer at a time within the process

    @contextmanager
    def _writer(self) -> Iterator[Any]:
        """A writer whose lock is released even when the commit itself fails (whoosh's own
        context manager keeps the lock then, and every later write would fail)."""
        with self._lock:
            writer = self._index.writer()
            try:
                yield writer
                writer.commit()
            except BaseException:
                with suppress(Exception):
                    writer.cancel()
                with suppress(Exception):
                    writer.writelock.release()
                raise

    def add(self, documents: Iterable[Document]) -> int:
        """Add or replace documents (by ``id``); returns how many were written."""
        count = 0
        with self._writer() as writer:
            for doc in documents:
                fields = {k: v for k, v in doc.items() if k in self._index.schema.names()}
                if "tags" in fields and not isinstance(fields["tags"], str):
                    fields["tags"] = ",".join(fields["tags"])
                writer.update_document(**fields)
                count += 1
        return count

    def delete(self, ids: Sequence[str]) -> None:
        with self._writer() as writer:
            for doc_id in ids:
                writer.delete_by_term("id", doc_id)

    def clear(self) -> None:
        """Empty the index (before a rebuild)."""
        with self._writer() as writer:
            writer.mergetype = CLEAR

    def query(
        self,
        text: str,
        *,
        kinds: Sequence[str] = (),
        audiences: Sequence[str] = (),
        limit: int = 20,
    ) -> Results:
        """Documents matching ``text`` (any word), best first; optionally only some kinds
        and audiences. The caller still filters by visibility."""
        if not text.strip():
            return Results()
        parser = MultifieldParser(["title", "body", "tags"], self._index.schema, group=OrGroup)
        parsed = parser.parse(text)
        filters = []
        if kinds:
            filters.append(Or([Term("kind", k) for k in kinds]))
        if audiences:
            filters.append(Or([Term("audience", a) for a in audiences]))
        query = And([parsed, *filters]) if filters else parsed
        with self._index.searcher() as searcher:
            found = searcher.search(query, limit=limit)
            found.fragmenter = ContextFragmenter(maxchars=120, surround=30)
            found.formatter = HtmlFormatter(tagname="mark")
            hits = [
                Hit(
                    id=hit["id"],
                    kind=hit["kind"],
                    score=float(hit.score),
                    highlight=hit.highlights("body") or hit.highlights("title") or "",
                )
                for hit in found
            ]
            return Results(hits=hits, total=len(found))
