"""Records into the response, as graphql-core would complete them.

Every value comes from a rule (`plans.rules`); errors are located with
graphql-core's own `located_error`, at the same nodes and path. A nullable
root field or list item that fails is null with its error; a non-null field
that cannot be filled (a relation the upstream did not send) nulls its
nearest nullable ancestor, which here is always the root field or item.
Errors come in the order of the response, not of completion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphql import GraphQLError, located_error

from wethod_graphql.resolvers.loaders import Key
from wethod_graphql.schema.plans.keys import Demand
from wethod_graphql.schema.plans.rules import Leaf, Typename
from wethod_graphql.schema.plans.shape import ObjectShape, RootEntry, RootKind
from wethod_graphql.upstream import ClientRecord

Path = tuple[str | int, ...]


class _Nulled(Exception):
    """A non-null field failed: its nearest nullable ancestor becomes null."""

    def __init__(self, error: GraphQLError) -> None:
        super().__init__(error.message)
        self.error = error


def respond(
    entries: Sequence[RootEntry],
    demands: Mapping[str, Demand],
    loaded: Mapping[Key, ClientRecord | Exception],
) -> tuple[dict[str, Any], list[GraphQLError]]:
    """`data` and `errors` for the root entries, from the loaded records."""
    data: dict[str, Any] = {}
    errors: list[GraphQLError] = []
    for entry in entries:
        key = entry.key
        if entry.kind is RootKind.TYPENAME:
            data[key] = "Query"
            continue
        items = demands[key].items
        if entry.kind is RootKind.CLIENT:
            data[key] = _item(entry, items[0], loaded, (key,), errors)
        else:
            data[key] = [
                _item(entry, item, loaded, (key, index), errors)
                for index, item in enumerate(items)
            ]
    return data, errors


def _item(
    entry: RootEntry,
    item: Key | Exception,
    loaded: Mapping[Key, ClientRecord | Exception],
    path: Path,
    errors: list[GraphQLError],
) -> dict[str, Any] | None:
    outcome = item if isinstance(item, Exception) else loaded[item]
    if isinstance(outcome, Exception):
        errors.append(located_error(outcome, list(entry.nodes), list(path)))
        return None
    if entry.shape is None:  # pragma: no cover - only `__typename` has none
        raise AssertionError(entry.key)
    try:
        return project(outcome, entry.shape, path)
    except _Nulled as nulled:
        errors.append(nulled.error)
        return None


def project(record: object, shape: ObjectShape, path: Path) -> dict[str, Any]:
    """One record as the shape selects it."""
    out: dict[str, Any] = {}
    for entry in shape.entries:
        rule = entry.rule
        if type(rule) is Leaf:
            value = getattr(record, rule.attribute)
            serialize = rule.serialize
            out[entry.key] = (
                value if value is None or serialize is None else serialize(value)
            )
        elif type(rule) is Typename:
            out[entry.key] = shape.type_name
        else:
            out[entry.key] = _relation(record, entry.key, shape, entry, path)
    return out


def _relation(
    record: object, key: str, shape: ObjectShape, entry: Any, path: Path
) -> list[dict[str, Any]]:
    rule = entry.rule
    items = getattr(record, rule.attribute)
    if items is None:
        # What the Strawberry resolver raises: the look-ahead missed it.
        error = RuntimeError(f"{rule.name} selected but not fetched")
        raise _Nulled(located_error(error, list(entry.nodes), [*path, key]))
    child = entry.child
    return [
        project(item, child, (*path, key, index)) for index, item in enumerate(items)
    ]
