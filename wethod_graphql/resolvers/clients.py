"""Resolvers of the clients resource: validate input, look ahead, load.

Each returns upstream records (or, for lists, a record or an exception per
item); turning records into GraphQL objects is the schema's business.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import strawberry

from wethod_graphql.errors import InputError
from wethod_graphql.observe.record import ResponsePath
from wethod_graphql.resolvers.context import Context
from wethod_graphql.resolvers.loaders import ClientKey
from wethod_graphql.resolvers.lookahead import include_paths
from wethod_graphql.upstream import ClientRecord, DeletionFilter, parse_client_id

Info = strawberry.Info[Context, None]

CLIENT_TYPE = "Client"


async def client(info: Info, id: str, deleted: DeletionFilter) -> ClientRecord:
    """One client; `NotFound` when it does not exist under `deleted`."""
    key = ClientKey(parse_client_id(id), deleted, _includes(info))
    return await info.context.clients.load(key, _path(info))


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
    include = _includes(info)
    loader = info.context.clients
    path = _path(info)
    results = await asyncio.gather(
        *(
            loader.load(
                ClientKey(number, deleted, include),
                None if path is None else [*path, index],
            )
            for index, number in enumerate(numbers)
        ),
        return_exceptions=True,
    )
    return [_item(result) for result in results]


async def client_reference(info: Info, id: str) -> ClientRecord:
    """A federation reference: archived clients resolve too (`deletedAt` set)."""
    key = ClientKey(parse_client_id(id), DeletionFilter.INCLUDE, _includes(info))
    return await info.context.clients.load(key, _path(info))


def _path(info: Info) -> ResponsePath | None:
    """Where this field's answer goes, when the request explains its calls."""
    return info.path.as_list() if info.context.clients.explains else None


def _includes(info: Info) -> frozenset[str]:
    """The includes below this field, looked ahead once per field and request.

    `_entities` resolves up to a thousand representations with one `info`;
    the answer is the same for each.
    """
    raw = info._raw_info  # graphql-core's info: the look-ahead reads its AST
    field = tuple(map(id, raw.field_nodes))
    known = info.context.includes.get(field)
    if known is None:
        known = info.context.includes[field] = include_paths(raw, CLIENT_TYPE)
    return known


def _item(result: ClientRecord | BaseException) -> ClientRecord | Exception:
    if isinstance(result, BaseException) and not isinstance(result, Exception):
        raise result  # cancellation and exits are not per-item failures
    return result
