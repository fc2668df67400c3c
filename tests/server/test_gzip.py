"""gzip for answers from `GZIP_MIN_BYTES` up, when the client accepts it."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator

import pytest
from starlette.responses import Response, StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.conftest import DEMO_HEADERS, Service
from wethod_graphql.server.app import GZIP_MIN_BYTES
from wethod_graphql.server.gzip import GzipSend, gzip_accepted

#: Many fields of 40 clients: some 30 KB of JSON.
IDS = ", ".join(f'"{i}"' for i in range(1, 41))
FIELDS = (
    "id corporateName vat town street zipCode country notes description "
    "email website createdAt updatedAt deletedAt"
)
LARGE = f"{{ clients(ids: [{IDS}], deleted: INCLUDE) {{ {FIELDS} }} }}"
SMALL = '{ client(id: "1") { id } }'


async def post(
    service: Service, query: str, encoding: str | None
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the body as sent (not decoded); no `Accept-Encoding`
    at all for `encoding=None`."""
    request = service.http.build_request(
        "POST",
        "/graphql",
        json={"query": query},
        headers={**DEMO_HEADERS, "x-request-id": "gz-1"},
    )
    if encoding is None:
        del request.headers["accept-encoding"]  # httpx adds one of its own
    else:
        request.headers["accept-encoding"] = encoding
    response = await service.http.send(request, stream=True)
    try:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    finally:
        await response.aclose()
    return response.status_code, dict(response.headers), raw


async def test_large_answers_are_gzipped(service: Service) -> None:
    status, headers, raw = await post(service, LARGE, "gzip, deflate, br")
    plain_status, plain_headers, plain = await post(service, LARGE, "identity")
    assert status == plain_status == 200
    assert len(plain) > GZIP_MIN_BYTES
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert int(headers["content-length"]) == len(raw) < len(plain) / 4
    assert gzip.decompress(raw) == plain
    assert headers["x-request-id"] == "gz-1"
    assert "content-encoding" not in plain_headers


@pytest.mark.parametrize("encoding", ["gzip;q=0, identity", "br", "identity"])
async def test_no_gzip_unless_accepted(service: Service, encoding: str) -> None:
    _, headers, raw = await post(service, LARGE, encoding)
    assert "content-encoding" not in headers
    assert raw.startswith(b'{"data":')


async def test_small_answers_go_as_they_are(service: Service) -> None:
    _, headers, raw = await post(service, SMALL, "gzip")
    assert raw == b'{"data":{"client":{"id":"1"}}}'
    assert "content-encoding" not in headers
    assert "vary" not in headers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("*;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip;q=oops", False),
        ("*;q=0", False),
        ("br, deflate", False),
        ("identity", False),
    ],
)
def test_gzip_accepted(value: str, expected: bool) -> None:
    assert gzip_accepted(value.encode()) is expected


async def test_no_accept_encoding_is_no_gzip(service: Service) -> None:
    _, headers, raw = await post(service, LARGE, None)
    assert "content-encoding" not in headers
    assert raw.startswith(b'{"data":')


def gzipping(app: ASGIApp, minimum_size: int = GZIP_MIN_BYTES) -> ASGIApp:
    """`app` answering through a `GzipSend`, as `server.front` answers a
    client that accepts gzip."""

    async def gzipped(scope: Scope, receive: Receive, send: Send) -> None:
        await app(scope, receive, GzipSend(send, minimum_size, 6))

    return gzipped


async def run(app: ASGIApp) -> tuple[dict[str, str], bytes]:
    """One GET through `app` with `Accept-Encoding: gzip`, collected."""
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        # From 2.4 on a streaming response does not listen for a disconnect.
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "method": "GET",
        "path": "/",
        "headers": [(b"accept-encoding", b"gzip")],
        "query_string": b"",
    }
    await app(scope, receive, send)  # type: ignore[arg-type]
    start, *bodies = sent
    raw_headers = start["headers"]
    assert isinstance(raw_headers, list)
    headers = {k.decode(): v.decode() for k, v in raw_headers}
    return headers, b"".join(bytes(b["body"]) for b in bodies)  # type: ignore[call-overload]


async def test_streams_and_encoded_bodies_pass_through() -> None:
    big = b"x" * (2 * GZIP_MIN_BYTES)

    async def streaming(scope: Scope, receive: Receive, send: Send) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            yield big
            yield big

        await StreamingResponse(chunks())(scope, receive, send)

    async def encoded(scope: Scope, receive: Receive, send: Send) -> None:
        response = Response(big, headers={"content-encoding": "br"})
        await response(scope, receive, send)

    headers, body = await run(gzipping(streaming))
    assert "content-encoding" not in headers
    assert body == big + big
    headers, body = await run(gzipping(encoded))
    assert headers["content-encoding"] == "br"
    assert body == big


async def test_a_message_other_than_a_body_follows_the_held_start() -> None:
    start: Message = {"type": "http.response.start", "status": 200, "headers": []}
    other: Message = {"type": "http.response.pathsend", "path": "/some/file"}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(start)
        await send(other)

    sent: list[Message] = []

    async def record(message: Message) -> None:
        sent.append(message)

    async def nothing() -> Message:
        return {"type": "http.disconnect"}  # pragma: no cover - never asked

    scope: Scope = {"type": "http", "headers": [(b"accept-encoding", b"gzip")]}
    await gzipping(app, minimum_size=1)(scope, nothing, record)
    assert sent == [start, other]
