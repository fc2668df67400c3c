"""ASGI middleware: request ids and the request body cap.

Plain ASGI (not `BaseHTTPMiddleware`), so bodies stream through untouched and
nothing is buffered twice.
"""

from __future__ import annotations

import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wethod_graphql.server.logs import request_id_var
from wethod_graphql.server.media import request_error
from wethod_graphql.upstream.caller import REQUEST_ID


class RequestIdMiddleware:
    """Takes a well-formed `X-Request-Id` or makes one.

    The id is echoed on the response, set for logging, and kept in
    `scope["state"]["request_id"]` for the GraphQL context.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


class BodyLimitMiddleware:
    """Answers 413 when a request body exceeds `max_bytes`.

    Checks `Content-Length` up front; counts bodies without one (chunked) as
    they arrive.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None:
            if not length.isdigit() or int(length) > self.max_bytes:
                await _too_large(scope, self.max_bytes)(scope, receive, send)
                return
            # The HTTP server delivers no more than the declared length.
            await self.app(scope, receive, send)
            return

        received = 0
        sent = ResponseTracker(send)

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, sent)
        except _BodyTooLarge:
            if not sent.started:
                await _too_large(scope, self.max_bytes)(scope, receive, send)


class ResponseTracker:
    """`send`, noting whether the response has started (so an error found
    while reading the body can still be answered, or must not be)."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


class _BodyTooLarge(Exception):
    pass


def _too_large(scope: Scope, max_bytes: int) -> Response:
    accept = Headers(scope=scope).get("accept")
    return request_error(accept, f"Request body over {max_bytes} bytes.", 413)
