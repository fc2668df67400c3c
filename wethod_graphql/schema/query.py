"""The root `Query` of the clients resource."""

from __future__ import annotations

from typing import Annotated

import strawberry

from wethod_graphql.resolvers import items
from wethod_graphql.resolvers.context import Info
from wethod_graphql.schema.clients import Client
from wethod_graphql.schema.connection import ClientConnection, clients_connection
from wethod_graphql.schema.types import DeletionFilter
from wethod_graphql.upstream.resources import CLIENTS

_DELETED = strawberry.argument(
    description="Which clients to consider by deletion status."
)


@strawberry.type(description="Read clients of the Wethod CRM.")
class Query:
    @strawberry.field(
        description="A client by id. Null, with a NOT_FOUND error at its path, "
        "when there is no such client under the deletion filter."
    )
    async def client(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The client's id (an integer >= 1)."),
        ],
        deleted: Annotated[DeletionFilter, _DELETED] = DeletionFilter.EXCLUDE,
    ) -> Client | None:
        return Client.show(await items.item(info, CLIENTS, id, deleted.upstream))

    @strawberry.field(
        description="Clients by id, in the order given. A missing client is null, "
        "with its own NOT_FOUND error at its index.",
        graphql_type=list[Client | None],
    )
    async def clients(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description="The clients' ids (integers >= 1); at most "
                "WETHOD_MAX_IDS (100 by default)."
            ),
        ],
        deleted: Annotated[DeletionFilter, _DELETED] = DeletionFilter.EXCLUDE,
    ) -> list[Client | Exception]:
        results = await items.items(info, CLIENTS, ids, deleted.upstream)
        return [r if isinstance(r, Exception) else Client.show(r) for r in results]

    clients_connection: ClientConnection = strawberry.field(
        resolver=clients_connection,
        description="Clients page by page, ordered by id (Relay cursor "
        "pagination), filtered by when they were updated or deleted. "
        "Bad input is BAD_USER_INPUT before any REST call.",
    )
