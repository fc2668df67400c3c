"""Resolvers of the clients resource: validate input, look ahead, load.

Each returns upstream records (or, for lists, a record or an exception per
item); turning records into GraphQL objects is the schema's business.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import strawberry

from wethod_graphql.errors import InputError
from wethod_graphql.resolvers.context import Context
from wethod_graphql.resolvers.loaders import ClientKey
from wethod_graphql.resolvers.lookahead import include_paths
from wethod_graphql.upstream import ClientRecord, DeletionFilter, parse_client_id

Info = strawberry.Info[Context, None]

CLIENT_TYPE = "Client"


async def client(info: Info, id: str, deleted: DeletionFilter) -> ClientRecord:
    """One client; `NotFound` when it does not exist under `deleted`."""
    key = ClientKey(parse_client_id(id), deleted, includes(info))
    return await info.context.clients.load(key)


async def clients(
    info: Info, ids: Sequence[str], deleted: DeletionFilter
) -> list[ClientRecord | Exception]:
    """Clients in the order of `ids`, each failing on its own.

    The whole list is rejected, before any upstream call, when it is too
    long or any id is malformed.
    """
    limit = info.context.max_ids
    if len(ids) > limit:
        raise InputError(f"At most {limit} ids per request; got {len(ids)}.")
    numbers = [parse_client_id(id) for id in ids]
    include = includes(info)
    loader = info.context.clients
    results = await asyncio.gather(
        *(loader.load(ClientKey(number, deleted, include)) for number in numbers),
        return_exceptions=True,
    )
    return [_item(result) for result in results]


async def client_reference(info: Info, id: str) -> ClientRecord:
    """A federation reference: archived clients resolve too (`deletedAt` set)."""
    key = ClientKey(parse_client_id(id), DeletionFilter.INCLUDE, includes(info))
    return await info.context.clients.load(key)


def includes(info: Info, type_name: str = CLIENT_TYPE) -> frozenset[str]:
    """The includes below this field, which returns `type_name`, looked ahead
    once per field and request.

    `_entities` resolves up to a thousand representations with one `info`;
    the answer is the same for each.
    """
    raw = info._raw_info  # graphql-core's info: the look-ahead reads its AST
    field = tuple(map(id, raw.field_nodes))
    known = info.context.includes.get(field)
    if known is None:
        known = info.context.includes[field] = include_paths(raw, type_name)
    return known


def _item(result: ClientRecord | BaseException) -> ClientRecord | Exception:
    if isinstance(result, BaseException) and not isinstance(result, Exception):
        raise result  # cancellation and exits are not per-item failures
    return result
