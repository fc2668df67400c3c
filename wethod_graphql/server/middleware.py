"""ASGI middleware: request ids, access log and the request body cap.

Plain ASGI (not `BaseHTTPMiddleware`), so bodies stream through untouched and
nothing is buffered twice.
"""

from __future__ import annotations

import logging
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wethod_graphql.server.logs import request_id_var
from wethod_graphql.server.media import request_error
from wethod_graphql.upstream.caller import REQUEST_ID

access_log = logging.getLogger("wethod_graphql.access")

#: The access log's status for a client that hung up before its request was
#: read whole (nginx's "client closed request"); nothing is sent to it.
CLIENT_CLOSED = 499


class RequestIdMiddleware:
    """Takes a well-formed `X-Request-Id` or makes one; logs each request.

    The id is echoed on the response, set for logging, and kept in
    `scope["state"]["request_id"]` for the GraphQL context. A client that
    disconnects while sending its body is no error of ours: its access line
    says 499 and "client disconnected", at INFO, without a trace.
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
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        outcome = ""
        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            status, outcome = CLIENT_CLOSED, " client disconnected"
        finally:
            access_log.info(
                '"%s %s" %d %.1fms%s',
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
                outcome,
            )
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
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = (
                response_started or message["type"] == "http.response.start"
            )
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await _too_large(scope, self.max_bytes)(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _too_large(scope: Scope, max_bytes: int) -> Response:
    accept = Headers(scope=scope).get("accept")
    return request_error(accept, f"Request body over {max_bytes} bytes.", 413)
