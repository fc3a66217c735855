"""Relay plumbing: opaque global IDs, the ``Node`` interface and keyset connections.

A global ID is base64url("<Type>:<pk>"). Decoding checks the type, so an ID of another
type or a malformed one is an ``INVALID_ID`` error, never a crash. ``node(id:)`` resolves
through each type's ``get_node``, which applies the same policy as every other read path.
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache
from typing import Any

import graphene
from graphene import relay
from tortoise.queryset import QuerySet

from community.infra.errors import CommonCode, DomainError

__all__ = [
    "MAX_PAGE",
    "Node",
    "connection",
    "decode_cursor",
    "decode_id",
    "encode_cursor",
    "encode_id",
    "page",
]

MAX_PAGE = 100
DEFAULT_PAGE = 20


@lru_cache(maxsize=1 << 16)
def encode_id(type_name: str, pk: int | str) -> str:
    # Cached: a feed page encodes some 60 IDs, and the same objects come back page after page.
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def _split(global_id: str, field: str | None = None) -> tuple[str, str]:
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        type_name, pk = "", ""
    if not type_name or not pk.isdigit() or len(pk) > 18:
        raise DomainError(CommonCode.INVALID_ID, f"Not a valid ID: {global_id!r}.", field)
    return type_name, pk


def decode_id(global_id: str, expected: str, field: str | None = None) -> int:
    """The primary key inside ``global_id``, which must name a ``expected`` object.

    Raises a DomainError (``INVALID_ID``): a UserError in mutations, a coded GraphQL error
    in queries."""
    type_name, pk = _split(global_id, field)
    if type_name != expected:
        raise DomainError(
            CommonCode.INVALID_ID,
            f"Expected the ID of a {expected}, got one of a {type_name}.",
            field,
        )
    return int(pk)


def encode_cursor(value: int | str) -> str:
    return base64.urlsafe_b64encode(f"c:{value}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        prefix, _, value = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        prefix, value = "", ""
    if prefix != "c" or not value:
        raise DomainError(CommonCode.INVALID_INPUT, "Not a valid cursor.", "after")
    return value


class HaowuGlobalID(relay.BaseGlobalIDType):
    graphene_type = graphene.ID

    @classmethod
    def resolve_global_id(cls, info: Any, global_id: str) -> tuple[str, str]:
        return _split(global_id)

    @classmethod
    def to_global_id(cls, _type: str, _id: Any) -> str:
        return encode_id(_type, _id)


class Node(relay.Node):
    """An object with a global ID."""

    class Meta:
        name = "Node"
        global_id_type = HaowuGlobalID

    @classmethod
    def get_node_from_global_id(cls, info: Any, global_id: str, only_type: Any = None) -> Any:
        type_name, pk = _split(global_id)
        named = info.schema.get_type(type_name)
        graphene_type = getattr(named, "graphene_type", None)
        if graphene_type is None or cls not in getattr(graphene_type._meta, "interfaces", ()):
            raise DomainError(CommonCode.INVALID_ID, f"Not a valid ID: {global_id!r}.")
        restricted = isinstance(only_type, type) and issubclass(only_type, graphene.ObjectType)
        if restricted and graphene_type is not only_type:
            raise DomainError(
                CommonCode.INVALID_ID,
                f"Expected the ID of a {only_type._meta.name}, got one of a {type_name}.",
            )
        return graphene_type.get_node(info, int(pk))


async def page(
    queryset: QuerySet[Any], *, first: int | None, after: str | None
) -> tuple[list[Any], bool]:
    """One page of ``queryset`` newest first (keyset on id): ``(items, has_next_page)``."""
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise DomainError(
            CommonCode.INVALID_INPUT, f"Ask for 0–{MAX_PAGE} items per page.", "first"
        )
    if after:
        cursor = decode_cursor(after)
        if not cursor.isdigit():
            raise DomainError(CommonCode.INVALID_INPUT, "Not a valid cursor.", "after")
        queryset = queryset.filter(id__lt=int(cursor))
    items = list(await queryset.order_by("-id").limit(size + 1))
    return items[:size], len(items) > size


def connection(connection_type: Any, items: list[Any], has_next: bool) -> Any:
    """Build a graphene Relay connection from a page of model objects."""
    edges = [connection_type.Edge(node=item, cursor=encode_cursor(item.id)) for item in items]
    return connection_type(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=has_next,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
