"""GraphQL over HTTP parameters: from a GET query string or a POST JSON body.

`read_params(request, content_type)` reads and checks them, and raises
`Refused` (400, or 415 for a body that is not `application/json`) for
anything that is not one GraphQL request. Nothing here knows GraphQL
itself: whether the text parses, which operation it names or what its
variables mean is the schema's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.types import Receive

#: The one request body media type served (with or without a charset).
ACCEPTED_BODY = "application/json"


class Refused(Exception):
    """A request answered before execution, with a GraphQL error body.

    `status` is the HTTP status, `code` the error's `extensions.code`,
    `headers` extra response headers (`Allow`, `Retry-After`), `extensions`
    more entries of the error's `extensions` (`retryAfter`).
    """

    def __init__(
        self,
        status: int,
        message: str,
        code: str = "BAD_REQUEST",
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers
        self.extensions = extensions


class GraphQLParams(NamedTuple):
    """One GraphQL request: `query` may be None until a hook supplies it.

    Immutable, as a frozen dataclass would be, built in half the
    instructions (measured: some 4,000 less per request).
    """

    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


async def read_params(request: Request, content_type: str | None) -> GraphQLParams:
    """The parameters of a GET or POST request (`ClientDisconnect` passes
    through); `content_type` is the request's `Content-Type`, if any."""
    if request.method == "GET":
        return _from_query_string(request.query_params)
    media_type = (content_type or "").partition(";")[0]
    if media_type.strip().lower() != ACCEPTED_BODY:
        raise Refused(
            415,
            f"Unsupported content type: POST a JSON body as {ACCEPTED_BODY}, "
            "or use GET with query parameters.",
        )
    return _from_body(await read_body(request.receive))


async def read_body(receive: Receive) -> bytes:
    """The whole body, as Starlette's `Request.body()` reads it, from the
    ASGI messages themselves: its async generator and `aclosing` cost some
    20,000 instructions per request (measured). The request's body is read
    once, here."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _from_query_string(query: Mapping[str, str]) -> GraphQLParams:
    return _checked(
        {
            "query": query.get("query"),
            "variables": _json_parameter(query, "variables"),
            "operationName": query.get("operationName"),
            "extensions": _json_parameter(query, "extensions"),
        }
    )


def _json_parameter(query: Mapping[str, str], name: str) -> object:
    text = query.get(name)
    if not text:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:  # bad UTF-8 and deep nesting too
        raise Refused(400, f"The {name} parameter is not valid JSON.") from error


def _from_body(body: bytes) -> GraphQLParams:
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as error:  # bad UTF-8 and deep nesting too
        raise Refused(400, "The body is not valid JSON.") from error
    if isinstance(value, list):
        raise Refused(
            400,
            "Batched operations (a JSON list) are not supported: "
            "send one JSON object per request.",
        )
    if not isinstance(value, dict):
        raise Refused(400, "A GraphQL request is a JSON object.")
    return _checked(value)


#: `isinstance`'s classes as tuples: a `str | None` written in the check is
#: a new union on every call (measured: some 3,500 instructions per request).
_TEXT = (str, type(None))
_OBJECT = (dict, type(None))


def _checked(raw: Mapping[str, Any]) -> GraphQLParams:
    query = raw.get("query")
    if not isinstance(query, _TEXT):
        raise Refused(400, "The GraphQL operation's `query` must be a string or null.")
    name = raw.get("operationName")
    if not isinstance(name, _TEXT):
        raise Refused(
            400, "The GraphQL operation's `operationName` must be a string or null."
        )
    variables = raw.get("variables")
    if not isinstance(variables, _OBJECT):
        raise Refused(
            400, "The GraphQL operation's `variables` must be an object or null."
        )
    extensions = raw.get("extensions")
    if not isinstance(extensions, _OBJECT):
        raise Refused(
            400, "The GraphQL operation's `extensions` must be an object or null."
        )
    # An empty text is no text: GraphQL has no empty document.
    return GraphQLParams(query or None, variables, name, extensions)
