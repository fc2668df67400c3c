"""`ClientConnection`: a page of clients, Relay-style, and its root field."""

from __future__ import annotations

from typing import Annotated

import strawberry

from wethod_graphql.resolvers import pages
from wethod_graphql.resolvers.context import Info
from wethod_graphql.resolvers.pages import MAX_FIRST
from wethod_graphql.schema.clients import Client
from wethod_graphql.schema.filters import ClientFilter
from wethod_graphql.schema.types import DeletionFilter
from wethod_graphql.upstream.resources import CLIENTS

DEFAULT_FIRST = 20


@strawberry.type(description="Where a page ends, and whether more follow.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether clients follow this page: exact, never guessed "
        "(each page asks the upstream for one row more than it shows)."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last edge, for `after`; null "
        "when the page is empty."
    )


@strawberry.type(description="A client in a page, with its cursor.")
class ClientEdge:
    cursor: str = strawberry.field(
        description="An opaque cursor: pass it as `after` for the clients "
        "that follow this one."
    )
    node: Client = strawberry.field(description="The client.")


@strawberry.type(description="A page of clients, ordered by id.")
class ClientConnection:
    edges: list[ClientEdge] = strawberry.field(
        description="The page's clients, in order."
    )
    page_info: PageInfo = strawberry.field(
        description="Where the page ends, and whether more follow."
    )


async def clients_connection(
    info: Info,
    first: Annotated[
        int | None,
        strawberry.argument(
            description=f"How many clients, 1 to {MAX_FIRST} (null: {DEFAULT_FIRST}); "
            "each page is one REST call of first + 1 rows (for "
            f"{MAX_FIRST}, two concurrent calls: {MAX_FIRST} rows, then 1)."
        ),
    ] = DEFAULT_FIRST,
    after: Annotated[
        str | None,
        strawberry.argument(
            description="Start after this cursor (a previous page's endCursor), "
            "from a list with the same filter and deletion filter."
        ),
    ] = strawberry.UNSET,
    filter: Annotated[
        ClientFilter | None,
        strawberry.argument(description="Which clients to list."),
    ] = strawberry.UNSET,
    deleted: Annotated[
        DeletionFilter,
        strawberry.argument(
            description="Which clients to consider by deletion status."
        ),
    ] = DeletionFilter.EXCLUDE,
) -> ClientConnection:
    """A page of clients by id, after `after`."""
    conditions = filter.conditions() if filter else ()
    page = await pages.page(
        info,
        CLIENTS,
        DEFAULT_FIRST if first is None else first,
        after if isinstance(after, str) else None,
        conditions,
        deleted.upstream,
    )
    edges = [
        ClientEdge(cursor=page.cursor(index), node=Client.show(record))
        for index, record in enumerate(page.records)
    ]
    return ClientConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
