"""Static limits on a GraphQL document: depth, aliases and cost.

Checked once per distinct document (the result is cached with it). Cost follows the
GitHub/Shopify idea: every field costs 1, and a field taking ``first``/``last`` multiplies
the cost of what it selects by the page size, taken as the maximum page when it comes from
a variable. Introspection (``__schema``, ``__type``) is bounded by the schema and exempt.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

__all__ = ["Limits", "check"]

PAGE_ARGS = ("first", "last")
INTROSPECTION = ("__schema", "__type")


@dataclass(frozen=True)
class Limits:
    max_depth: int
    max_cost: int
    max_aliases: int
    max_page: int = 100


@dataclass
class _Measure:
    depth: int = 0
    cost: int = 0
    aliases: int = 0


def _page_size(field: FieldNode, limits: Limits) -> int:
    for arg in field.arguments or ():
        if arg.name.value in PAGE_ARGS:
            if isinstance(arg.value, IntValueNode):
                return max(1, min(int(arg.value.value), limits.max_page))
            if isinstance(arg.value, VariableNode):
                return limits.max_page
    return 1


def _walk(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    limits: Limits,
    depth: int,
    seen: frozenset[str],
) -> _Measure:
    total = _Measure(depth=depth)
    if selection_set is None:
        return total
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value in INTROSPECTION:
                continue
            inner = _walk(selection.selection_set, fragments, limits, depth + 1, seen)
            total.depth = max(total.depth, inner.depth)
            total.cost += 1 + inner.cost * _page_size(selection, limits)
            total.aliases += inner.aliases + (1 if selection.alias else 0)
        else:
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen or name not in fragments:
                    continue  # cycles and unknown fragments are reported by validation
                inner = _walk(
                    fragments[name].selection_set, fragments, limits, depth, seen | {name}
                )
            else:
                assert isinstance(selection, InlineFragmentNode)
                inner = _walk(selection.selection_set, fragments, limits, depth, seen)
            total.depth = max(total.depth, inner.depth)
            total.cost += inner.cost
            total.aliases += inner.aliases
    return total


def check(document: DocumentNode, limits: Limits) -> list[GraphQLError]:
    """The limit errors of every operation in ``document`` (empty when within limits)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    errors: list[GraphQLError] = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        name = definition.name.value if definition.name else "anonymous"
        m = _walk(definition.selection_set, fragments, limits, 0, frozenset())
        if m.depth > limits.max_depth:
            errors.append(
                GraphQLError(
                    f"Operation '{name}' is {m.depth} levels deep; the limit is "
                    f"{limits.max_depth}.",
                    extensions={"code": "QUERY_TOO_DEEP"},
                )
            )
        if m.aliases > limits.max_aliases:
            errors.append(
                GraphQLError(
                    f"Operation '{name}' uses {m.aliases} aliases; the limit is "
                    f"{limits.max_aliases}.",
                    extensions={"code": "TOO_MANY_ALIASES"},
                )
            )
        if m.cost > limits.max_cost:
            errors.append(
                GraphQLError(
                    f"Operation '{name}' costs {m.cost}; the limit is {limits.max_cost}. "
                    "Ask for smaller pages or fewer fields.",
                    extensions={"code": "QUERY_TOO_COSTLY"},
                )
            )
    return errors
