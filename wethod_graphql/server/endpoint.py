"""`GET` and `POST /graphql`: GraphQL over HTTP, as a thin ASGI endpoint.

One request goes through these steps, in this order:

1. **method**: GET and POST are served; any other method is 405
   `METHOD_NOT_ALLOWED` with `Allow: GET, POST`.
2. **GraphiQL**: a GET without a `query` parameter from a client that asks
   for `text/html` gets the GraphiQL page (404 `NOT_FOUND` when it is off).
3. **read body, parse parameters** (`params.read_params`): the query string
   of a GET, or the JSON object of a POST (`application/json` only, else
   415). Anything that is not one GraphQL request is 400 `BAD_REQUEST`. The
   body cap is `server.front`'s (413); a client that hangs up while
   sending is `server.front`'s too (one INFO line, status 499).
4. **context**: credentials, limits and fresh loaders for this request.
5. **before-execute hooks** (`Hooks.before_execute`), in order: each gets the
   request (its body already read in step 3: a hook reads the parameters,
   never `request.body()`), the context and the parameters, and returns the
   parameters to go on with (a persisted operation resolved into its text),
   or raises
   `Refused` (a per-caller limit: 429 with `Retry-After`). A request that
   still has no query text after them is 400.
6. **execute**: `WethodSchema.execute(query, variables, context,
   operation_name, allowed_operation_types)`; queries only over GET.
   Strawberry's refusals of an unknown `operationName` or of a mutation over
   GET become 400 `BAD_REQUEST` (the one Strawberry seam left here;
   `tests/server/test_strawberry_seams.py` names it).
7. **answer**: `data`, then `errors` (each error's graphql-core `formatted`:
   message, locations, path, extensions) and `extensions` when not empty.
8. **after-execute hooks** (`Hooks.after_execute`): each may read or add to
   the answer (its `extensions`) before it is encoded.
9. **encode**: orjson, as `application/graphql-response+json` when the client
   ranks it at least as high as `application/json` (then a request error,
   no `data` at all, is 400), else `application/json` with 200.

Request ids, the access log, the body cap and deadline and gzip are
`server.front`'s, around this endpoint; CORS is Starlette's (`server/app.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from wethod_graphql.config import Settings
from wethod_graphql.resolvers.context import Context, context_for
from wethod_graphql.schema.build import WethodSchema
from wethod_graphql.server.headers import first_values, text
from wethod_graphql.server.media import (
    GRAPHQL_RESPONSE,
    is_request_error,
    json_response,
    preferred_media_type,
    request_error,
)
from wethod_graphql.server.params import GraphQLParams, Refused, read_params
from wethod_graphql.upstream.caller import caller_of

#: What a GraphQL answer is before encoding: `data`, `errors`, `extensions`.
Answer = dict[str, Any]
BeforeExecute = Callable[[Request, Context, GraphQLParams], Awaitable[GraphQLParams]]
AfterExecute = Callable[[Request, Context, Answer], None]

METHODS = ("GET", "POST")
#: The request headers read here, each once.
ENDPOINT_HEADERS = frozenset({b"accept", b"content-type"})
#: Operation types each method may run: GET is for reading only.
ALLOWED_OPERATIONS = {
    "GET": frozenset({OperationType.QUERY}),
    "POST": frozenset(
        {OperationType.QUERY, OperationType.MUTATION, OperationType.SUBSCRIPTION}
    ),
}


@dataclass(frozen=True)
class Hooks:
    """Steps other parts of the service add around execution (see the module)."""

    before_execute: tuple[BeforeExecute, ...] = ()
    after_execute: tuple[AfterExecute, ...] = ()


class GraphQLEndpoint:
    """The ASGI app mounted at `/graphql`."""

    def __init__(
        self,
        schema: WethodSchema,
        settings: Settings,
        ide_page: str | None,
        hooks: Hooks | None = None,
    ) -> None:
        """`ide_page` is the GraphiQL page, or None when GraphiQL is off."""
        self.schema = schema
        self._settings = settings
        self._ide_page = ide_page
        self._hooks = hooks or Hooks()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await self.respond(request)
        await response(scope, receive, send)

    async def respond(self, request: Request) -> Response:
        scope = request.scope
        raw = scope["headers"]
        seen = first_values(raw, ENDPOINT_HEADERS)
        accept = text(seen.get(b"accept"))
        method = scope["method"]
        try:
            if method not in METHODS:
                raise Refused(
                    405,
                    "/graphql serves GET and POST only.",
                    "METHOD_NOT_ALLOWED",
                    {"Allow": ", ".join(METHODS)},
                )
            if method == "GET" and _wants_graphiql(request, accept):
                return self._graphiql()
            params = await read_params(request, text(seen.get(b"content-type")))
            state = scope["app"].state
            caller = caller_of(
                raw,
                default_token=self._settings.token,
                default_company=self._settings.company,
                request_id=scope["state"]["request_id"],
            )
            context = context_for(
                state.upstream, self._settings, caller, state.admission.limits
            )
            for before in self._hooks.before_execute:
                params = await before(request, context, params)
            if params.query is None:
                raise Refused(400, "No GraphQL query found in the request.")
            try:
                result = await self.schema.execute(
                    params.query,
                    variable_values=params.variables,
                    context_value=context,
                    operation_name=params.operation_name,
                    allowed_operation_types=ALLOWED_OPERATIONS[method],
                )
            except CannotGetOperationTypeError as error:
                raise Refused(400, error.as_http_error_reason()) from error
            except InvalidOperationTypeError as error:
                raise Refused(400, error.as_http_error_reason(method)) from error
        except Refused as refused:
            return request_error(
                accept,
                refused.message,
                refused.status,
                refused.code,
                refused.headers,
                refused.extensions,
            )
        answer = answer_of(result)
        for after in self._hooks.after_execute:
            after(request, context, answer)
        return _encode(answer, preferred_media_type(accept))

    def _graphiql(self) -> Response:
        if self._ide_page is None:
            raise Refused(404, "Not Found", "NOT_FOUND")
        return HTMLResponse(self._ide_page)


def _wants_graphiql(request: Request, accept: str | None) -> bool:
    # Only a client that asks for HTML gets HTML: not `Accept: */*` (curl,
    # probes, scripts), which Strawberry's own view also served it to.
    return "query" not in request.query_params and "text/html" in (accept or "")


def answer_of(result: ExecutionResult) -> Answer:
    """The JSON answer of a result: `errors` and `extensions` only when not empty."""
    answer: Answer = {"data": result.data}
    if result.errors:
        answer["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        answer["extensions"] = result.extensions
    return answer


def _encode(answer: Answer, media_type: str) -> Response:
    if media_type == GRAPHQL_RESPONSE and is_request_error(answer):
        # The spec: a request error has no `data` entry and a 4xx status.
        return json_response({"errors": answer["errors"]}, 400, media_type)
    return json_response(answer, 200, media_type)
