"""A deadline on receiving a request's body: 408 and a closed connection.

uvicorn hands the app a request as soon as its headers are in, and then waits
for the body as long as the client cares to send it, a byte now and then if
it likes. Each such request holds a connection, a task and its buffers.
Here the whole body must arrive within `timeout` seconds of the request's
start; past that the request is answered 408 with `Connection: close`, so
the server closes the connection. Once the body is complete, waiting for
the client's disconnect is not bounded: that wait is uvicorn's business.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wethod_graphql.server.media import request_error
from wethod_graphql.server.middleware import ResponseTracker

log = logging.getLogger(__name__)


class BodyDeadlineMiddleware:
    """Answers 408 when a request body is not complete within `timeout` seconds."""

    def __init__(self, app: ASGIApp, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.timeout
        body_complete = False
        sent = ResponseTracker(send)

        async def timed_receive() -> Message:
            nonlocal body_complete
            if body_complete:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _BodyTooSlow from None
            if message["type"] != "http.request" or not message.get("more_body"):
                body_complete = True
            return message

        try:
            await self.app(scope, timed_receive, sent)
        except _BodyTooSlow:
            log.info("Request body not complete within %g s: 408.", self.timeout)
            if sent.started:  # nothing sane to add; uvicorn closes it
                return
            accept = Headers(scope=scope).get("accept")
            message = f"Request body not received within {self.timeout:g} s."
            response = request_error(accept, message, 408)
            response.headers["connection"] = "close"
            await response(scope, receive, send)


class _BodyTooSlow(Exception):
    pass
