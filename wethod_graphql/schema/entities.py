"""Federation representations: what `_entities` accepts of each.

Shared by the resolver on graphql-core's path (`WethodSchema.entities_resolver`,
through `resolve_each`) and by execution plans, so both refuse a
representation the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

import strawberry
from strawberry.federation.schema import FederationAny

from wethod_graphql.errors import InputError
from wethod_graphql.upstream.resources import RESOURCES, Resource


def entity_keys(resources: Iterable[Resource]) -> Mapping[str, str]:
    """The key field of each entity type of `resources`, by `__typename`."""
    return {r.type_name: r.entity_key for r in resources if r.entity_key}


#: Entity types `_entities` resolves, by `__typename`: the key field of each,
#: from the resources' descriptions.
ENTITY_KEYS = entity_keys(RESOURCES)

#: More representations than this in one `_entities` call is refused whole.
MAX_REPRESENTATIONS = 1000


def check_count(representations: list[object]) -> None:
    """`InputError` when one `_entities` call carries too many."""
    if len(representations) > MAX_REPRESENTATIONS:
        raise InputError(
            f"At most {MAX_REPRESENTATIONS} representations; "
            f"got {len(representations)}."
        )


def entity_key(
    index: int, representation: object, keys: Mapping[str, str] = ENTITY_KEYS
) -> FederationAny:
    """The representation cut down to `__typename` and its type's key field
    (`keys`: the key field by `__typename`).

    Raises `InputError` naming the representation's index when it is not one
    this subgraph resolves: each representation fails on its own.
    """
    try:
        return _entity_key(representation, keys)
    except InputError as error:
        raise InputError(f"representations[{index}]: {error}") from None


def _entity_key(representation: object, keys: Mapping[str, str]) -> FederationAny:
    if not isinstance(representation, dict):
        raise InputError("expected an object")
    typename = representation.get("__typename")
    key = keys.get(typename) if isinstance(typename, str) else None
    if key is None:
        raise InputError(f"unknown __typename {str(typename)[:40]!r}")
    if key not in representation:
        raise InputError(f"missing the key field {key!r}")
    return FederationAny({"__typename": typename, key: representation[key]})


#: Strawberry's resolution of representations (`entities_resolver`).
Resolve = Callable[[strawberry.Info, list[FederationAny]], list[FederationAny]]


def resolve_each(
    info: strawberry.Info,
    representations: list[FederationAny],
    keys: Mapping[str, str],
    resolve: Resolve,
) -> list[Any]:
    """`_entities` on graphql-core's path: each representation resolved by
    `resolve` or refused, on its own (Strawberry fails the whole list on one
    unknown `__typename`)."""
    check_count(list(representations))
    results: list[Any] = []
    for index, representation in enumerate(representations):
        try:
            key = entity_key(index, representation, keys)
        except InputError as error:
            results.append(error)
        else:
            results.extend(resolve(_item_info(info, index), [key]))
    return results


def _item_info(info: strawberry.Info, index: int) -> strawberry.Info:
    """`info` with its path ending in `index`, as for any list item.

    Strawberry hands every representation the `_entities` field's own info;
    the resolver notes `info.path` for explain, which must name the entity
    (`["_entities", 0]`) as a plan does.
    """
    raw = info._raw_info
    return replace(info, _raw_info=raw._replace(path=raw.path.add_key(index)))
