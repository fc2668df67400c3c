"""The resolver of `clientsConnection`: one page of clients, Relay-style.

Input is checked before any call: `first` (1..100), the cursor (see
`cursors`) and the filter's conditions. `hasNextPage` is exact: a page asks
the upstream for `first + 1` rows in one call and shows `first`; for
`first = 100`, past the upstream's 100 rows a call, a second call for the
one row after the page runs concurrently with the first.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from wethod_graphql.errors import InputError
from wethod_graphql.resolvers.clients import Info, includes
from wethod_graphql.resolvers.cursors import decode_cursor, encode_cursor, scope_of
from wethod_graphql.resolvers.pages import PageKey
from wethod_graphql.upstream import ClientRecord, DeletionFilter
from wethod_graphql.upstream.filters import Condition
from wethod_graphql.upstream.listing import MAX_LIMIT, ListQuery

CONNECTION_TYPE = "ClientConnection"
#: The largest page: the upstream's own limit.
MAX_FIRST = MAX_LIMIT


@dataclass(frozen=True, slots=True)
class Page:
    """A page of clients, where it starts, and whether more follow."""

    records: tuple[ClientRecord, ...]
    offset: int
    has_next: bool
    scope: str

    def cursor(self, index: int) -> str:
        """The cursor of the `index`th record of the page."""
        return encode_cursor(self.offset + index + 1, self.scope)


async def clients_page(
    info: Info,
    first: int,
    after: str | None,
    conditions: tuple[Condition, ...],
    deleted: DeletionFilter,
) -> Page:
    """The page of `first` clients after the `after` cursor."""
    if not 1 <= first <= MAX_FIRST:
        raise InputError(f"first must be 1..{MAX_FIRST}, not {first}.")
    scope = scope_of([deleted.value, *(f"{c.field}={c.param}" for c in conditions)])
    offset = 0 if after is None else decode_cursor(after, scope)
    include = includes(info, CONNECTION_TYPE)
    loader = info.context.pages
    if first < MAX_LIMIT:
        query = ListQuery(first + 1, offset, conditions, deleted)
        rows = await loader.load(PageKey(query, include))
        return Page(rows[:first], offset, len(rows) > first, scope)
    page = ListQuery(first, offset, conditions, deleted)
    after_page = ListQuery(1, offset + first, conditions, deleted)
    rows, beyond = await asyncio.gather(
        loader.load(PageKey(page, include)), loader.load(PageKey(after_page))
    )
    return Page(rows, offset, bool(beyond), scope)
