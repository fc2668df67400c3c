"""GraphQL over HTTP media types: `application/graphql-response+json` when asked.

With that type the status tells request errors (parse, validation, bad
variables: no `data` at all, 400) from field errors (200). Clients that ask
for `application/json` (or nothing) get that, always with status 200.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse

from wethod_graphql.observe.record import current_request

GRAPHQL_RESPONSE = "application/graphql-response+json"
BAD_REQUEST = "BAD_REQUEST"
JSON = "application/json"


def preferred_media_type(accept: str | None) -> str:
    """`GRAPHQL_RESPONSE` when the Accept header ranks it at least as high as JSON."""
    if not accept:
        return JSON
    ranks = {JSON: 0.0, GRAPHQL_RESPONSE: 0.0}
    for part in accept.split(",")[:32]:
        media, _, params = part.partition(";")
        media = media.strip().lower()
        if media in ranks:
            ranks[media] = max(ranks[media], _quality(params))
    if ranks[GRAPHQL_RESPONSE] > 0 and ranks[GRAPHQL_RESPONSE] >= ranks[JSON]:
        return GRAPHQL_RESPONSE
    return JSON


def request_error(accept: str | None, message: str, status: int) -> JSONResponse:
    """The body of a request refused before GraphQL, in the media type asked for."""
    record = current_request.get()
    if record is not None:
        record.error_codes.append(BAD_REQUEST)
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": BAD_REQUEST}}]},
        status_code=status,
        media_type=preferred_media_type(accept),
    )


def is_request_error(response: Mapping[str, object]) -> bool:
    """Whether a result failed before execution: no data, only path-less errors."""
    errors = response.get("errors")
    if response.get("data") is not None or not isinstance(errors, list) or not errors:
        return False
    return all(isinstance(e, dict) and "path" not in e for e in errors)


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0
