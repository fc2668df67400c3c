"""Resolvers of any resource's items: validate input, look ahead, load.

Each takes the resource's description and returns upstream records (or,
for lists, a record or an exception per item); turning records into GraphQL
objects is the schema's business.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from wethod_graphql.errors import InputError
from wethod_graphql.resolvers.context import Info
from wethod_graphql.resolvers.loaders import Key
from wethod_graphql.resolvers.lookahead import include_paths, relations_of
from wethod_graphql.upstream import Deleted
from wethod_graphql.upstream.resources import Resource, parse_id


async def item(info: Info, resource: Resource, id: str, deleted: Deleted) -> Any:
    """One item; `NotFound` when it does not exist under `deleted`."""
    key = Key(resource, parse_id(id, resource), deleted, includes(info, resource))
    return await info.context.loader.load(key)


async def items(
    info: Info, resource: Resource, ids: Sequence[str], deleted: Deleted
) -> list[Any | Exception]:
    """Items in the order of `ids`, each failing on its own.

    The whole list is rejected, before any upstream call, when it is too
    long or any id is malformed.
    """
    limit = info.context.max_ids
    if len(ids) > limit:
        raise InputError(f"At most {limit} ids per request; got {len(ids)}.")
    numbers = [parse_id(id, resource) for id in ids]
    include = includes(info, resource)
    loader = info.context.loader
    results = await asyncio.gather(
        *(loader.load(Key(resource, number, deleted, include)) for number in numbers),
        return_exceptions=True,
    )
    return [_item(result) for result in results]


async def reference(info: Info, resource: Resource, id: str) -> Any:
    """A federation reference: deleted items resolve too (`deletedAt` set)."""
    number = parse_id(id, resource)
    include = includes(info, resource)
    return await info.context.loader.load(
        Key(resource, number, Deleted.INCLUDE, include)
    )


def includes(
    info: Info, resource: Resource, type_name: str | None = None
) -> frozenset[str]:
    """The includes of `resource` below this field, which returns `type_name`
    (by default the resource's type), looked ahead once per field and request.

    `_entities` resolves up to a thousand representations with one `info`;
    the answer is the same for each of one type.
    """
    raw = info._raw_info  # graphql-core's info: the look-ahead reads its AST
    returned = type_name or resource.type_name
    field = (tuple(map(id, raw.field_nodes)), returned)
    known = info.context.includes.get(field)
    if known is None:
        known = info.context.includes[field] = include_paths(
            raw, returned, relations_of(resource)
        )
    return known


def _item(result: Any) -> Any:
    if isinstance(result, BaseException) and not isinstance(result, Exception):
        raise result  # cancellation and exits are not per-item failures
    return result
