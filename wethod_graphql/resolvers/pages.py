"""The resolver of a list's pages (`clientsConnection`), Relay-style.

Input is checked before any call: `first` (1..100), the cursor (see
`cursors`) and the filter's conditions. `hasNextPage` is exact: a page asks
the upstream for `first + 1` rows in one call and shows `first`; for
`first = 100`, past the upstream's 100 rows a call, a second call for the
one row after the page runs concurrently with the first.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from wethod_graphql.errors import InputError
from wethod_graphql.resolvers.context import Info
from wethod_graphql.resolvers.cursors import decode_cursor, encode_cursor, scope_of
from wethod_graphql.resolvers.items import includes
from wethod_graphql.resolvers.loaders import Key
from wethod_graphql.upstream import Deleted
from wethod_graphql.upstream.filters import Condition
from wethod_graphql.upstream.listing import MAX_LIMIT, ListQuery
from wethod_graphql.upstream.resources import Resource

#: The largest page: the upstream's own limit.
MAX_FIRST = MAX_LIMIT


@dataclass(frozen=True, slots=True)
class Page:
    """A page of records, where it starts, and whether more follow."""

    records: tuple[Any, ...]
    offset: int
    has_next: bool
    scope: str

    def cursor(self, index: int) -> str:
        """The cursor of the `index`th record of the page."""
        return encode_cursor(self.offset + index + 1, self.scope)


async def page(
    info: Info,
    resource: Resource,
    first: int,
    after: str | None,
    conditions: tuple[Condition, ...],
    deleted: Deleted,
) -> Page:
    """The page of `first` items of `resource` after the `after` cursor."""
    if not 1 <= first <= MAX_FIRST:
        raise InputError(f"first must be 1..{MAX_FIRST}, not {first}.")
    scope = scope_of([deleted.value, *(f"{c.field}={c.param}" for c in conditions)])
    offset = 0 if after is None else decode_cursor(after, scope)
    include = includes(info, resource, resource.connection_type)
    loader = info.context.loader
    path = info.path.as_list()  # where the page's records go, for explain
    if first < MAX_LIMIT:
        query = ListQuery(first + 1, offset, conditions)
        rows = await loader.load(Key(resource, query, deleted, include), path)
        return Page(rows[:first], offset, len(rows) > first, scope)
    this_page = Key(resource, ListQuery(first, offset, conditions), deleted, include)
    row_after = Key(resource, ListQuery(1, offset + first, conditions), deleted)
    rows, beyond = await asyncio.gather(
        loader.load(this_page, path), loader.load(row_after, path)
    )
    return Page(rows, offset, bool(beyond), scope)
