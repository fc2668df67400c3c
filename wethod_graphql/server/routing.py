"""Routing's own answers (an unknown path, a wrong method) as GraphQL error bodies.

Starlette raises `HTTPException` for them (404 from the router and from the
GraphiQL assets, 405 with `Allow`); every answer of the service is JSON with
an `extensions.code`, these too.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from wethod_graphql.server.media import request_error

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
