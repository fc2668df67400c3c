"""Routing: `/graphql` straight to its endpoint, and the router's own answers.

Starlette raises `HTTPException` for an unknown path (404 from the router and
from the GraphiQL assets) or a wrong method (405 with `Allow`); every answer
of the service is JSON with an `extensions.code`, these too.
"""

from __future__ import annotations

from collections.abc import Awaitable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from wethod_graphql.server.media import request_error

GRAPHQL_PATH = "/graphql"


class GraphQLShortcut:
    """Sends `/graphql` to `endpoint` directly, everything else on to `app`.

    The endpoint answers every error of its own (405 included), so Starlette's
    router and exception middleware have nothing to add on the path that
    carries almost every request, only their cost. Under a root path the
    router, which knows about it, matches as usual.
    """

    def __init__(self, app: ASGIApp, endpoint: ASGIApp) -> None:
        self.app = app
        self.endpoint = endpoint

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # The app's own awaitable, not a coroutine of ours around it: one
        # frame less on every request.
        if (
            scope["type"] == "http"
            and scope["path"] == GRAPHQL_PATH
            and not scope.get("root_path")
        ):
            return self.endpoint(scope, receive, send)
        return self.app(scope, receive, send)


#: `extensions.code` and message by status; any other is `BAD_REQUEST`.
ANSWERS = {
    404: ("NOT_FOUND", "Nothing is served at this path."),
    405: ("METHOD_NOT_ALLOWED", "This path does not serve this method; see Allow."),
}


async def http_error(request: Request, exc: Exception) -> Response:
    """The exception handler for Starlette's `HTTPException`."""
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for it only
    code, message = ANSWERS.get(exc.status_code, ("BAD_REQUEST", exc.detail))
    return request_error(
        request.headers.get("accept"), message, exc.status_code, code, exc.headers
    )
