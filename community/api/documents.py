"""Parsed-and-validated documents, cached, and the persisted operations.

graphql-server parses and validates every request again, and validation is the largest single
cost of a typical page (~0.6 ms). Documents are cached by query text (bounded LRU), together
with their validation and limit errors. Persisted operations are the named operations of
``graphql/operations/*.graphql``; clients may send ``documentId`` (``sha256:<hex>`` of the
file's text) instead of the text.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate
from graphql.error import GraphQLSyntaxError

from community.api import limits as limits_mod

__all__ = ["OPERATIONS_DIR", "Cached", "DocumentCache", "PersistedOperations", "document_id"]

OPERATIONS_DIR = Path(__file__).resolve().parents[2] / "graphql" / "operations"


@dataclass(frozen=True)
class Cached:
    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]


class DocumentCache:
    def __init__(self, schema: GraphQLSchema, limits: limits_mod.Limits, size: int = 2000) -> None:
        self._schema = schema
        self._limits = limits
        self._size = size
        self._entries: OrderedDict[str, Cached] = OrderedDict()

    def get(self, query: str) -> Cached:
        entry = self._entries.get(query)
        if entry is not None:
            self._entries.move_to_end(query)
            return entry
        entry = self._compile(query)
        self._entries[query] = entry
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return entry

    def _compile(self, query: str) -> Cached:
        try:
            document = parse(query)
        except GraphQLSyntaxError as exc:
            return Cached(None, (exc,))
        errors = validate(self._schema, document) or limits_mod.check(document, self._limits)
        return Cached(None if errors else document, tuple(errors))


def document_id(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


class PersistedOperations:
    """The operations the web app sends, by id and by operation name."""

    def __init__(self, directory: Path = OPERATIONS_DIR) -> None:
        self.by_id: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        for path in sorted(directory.glob("*.graphql")):
            text = path.read_text()
            self.by_id[document_id(text)] = text
            self.by_name[path.stem] = document_id(text)

    def manifest(self) -> dict[str, str]:
        """Operation name → document id, for the web app."""
        return dict(self.by_name)
