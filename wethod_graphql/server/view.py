"""The GraphQL endpoint: Strawberry's ASGI view with our context and GraphiQL."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.base import BaseRequestProtocol

from wethod_graphql.config import Settings
from wethod_graphql.resolvers.context import Context, build_context
from wethod_graphql.schema.build import WethodSchema
from wethod_graphql.server.graphiql import (
    BUNDLED_ASSETS_DIR,
    GraphiQLOptions,
)
from wethod_graphql.server.media import (
    GRAPHQL_RESPONSE,
    JSON,
    is_request_error,
    preferred_media_type,
    request_error,
)

#: What GraphiQL opens with in demo mode: the product at a glance.
DEMO_OPERATION = """\
# One client with its external identifiers, then a list with
# a deleted client (7) and a missing one (9999).
query Demo {
  client(id: "1") {
    id
    corporateName
    vat
    town
    externalIdentifiers { type externalId }
  }
  clients(ids: ["2", "7", "9999"], deleted: INCLUDE) {
    id
    corporateName
    deletedAt
  }
}
"""


def graphiql_options(settings: Settings) -> GraphiQLOptions:
    return GraphiQLOptions(
        assets_url=settings.graphiql_assets_url,
        # The package ships the files, so the page works offline by default.
        assets_dir=settings.graphiql_assets_dir or BUNDLED_ASSETS_DIR,
        default_query=DEMO_OPERATION if settings.demo else None,
        persist_headers=settings.graphiql_persist_headers,
    )


class GraphQLView(GraphQL[Context, None]):
    """Builds a fresh `Context` per request and serves our GraphiQL page.

    Requests Strawberry refuses before any GraphQL happens (a body that is
    not a JSON object, an unknown operation name, a mutation over GET) get a
    GraphQL error body with `extensions.code` instead of plain text.
    """

    def __init__(
        self, schema: WethodSchema, settings: Settings, ide_page: str | None
    ) -> None:
        """`ide_page` is the GraphiQL page, or None when GraphiQL is off."""
        super().__init__(
            schema,
            graphql_ide="graphiql" if ide_page is not None else None,
            allow_queries_via_get=True,
        )
        self._settings = settings
        self._ide_page = ide_page or ""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return build_context(
            request.app.state.upstream,
            self._settings,
            request.headers,
            request.state.request_id,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            accept = request.headers.get("accept")
            response = request_error(accept, error.reason, error.status_code)
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> Any:
        """A JSON object or list (a batch), or a 400 naming what is wrong."""
        try:
            value = self.decode_json(data)
        except (ValueError, RecursionError) as error:  # UnicodeDecodeError too
            raise HTTPException(400, "The body is not valid JSON.") from error
        if not isinstance(value, dict | list):
            raise HTTPException(400, "A GraphQL request is a JSON object.")
        return value

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # Strawberry also serves the page for `Accept: */*` (curl, probes,
        # scripts); only a client that asks for HTML gets HTML here.
        return (
            request.method == "GET"
            and request.query_params.get("query") is None
            and "text/html" in request.headers.get("accept", "")
        )

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(self._ide_page)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = preferred_media_type(request.headers.get("accept"))
        return sub_response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media_type = sub_response.media_type or JSON
        status = 200
        if (
            media_type == GRAPHQL_RESPONSE
            and isinstance(response_data, dict)
            and is_request_error(response_data)
        ):
            # The spec: a request error has no `data` entry and a 4xx status.
            response_data = {"errors": response_data["errors"]}
            status = 400
        response = Response(
            self.encode_json(response_data), status_code=status, media_type=media_type
        )
        response.headers.raw.extend(
            (k, v) for k, v in sub_response.headers.raw if k != b"content-type"
        )
        return response
