"""Every request's outer steps, in one ASGI layer.

In order, for each HTTP request:

1. **request id**: a well-formed `X-Request-Id` is kept, else one is made;
   it is echoed on the response, set for logging (`request_id_var`) and
   kept in `scope["state"]["request_id"]` for the GraphQL context.
2. **observation**: a `RequestRecord` (and the server span, when tracing),
   reported once answered: metrics, and the access line
   (`wethod_graphql.access`) with the record's fields. A client that hangs
   up while sending its body is no error of ours: its line says 499 and
   "client disconnected", at INFO, without a trace.
3. **body cap**: a `Content-Length` over `max_body` is 413 at once; a body
   without one (chunked) is counted as it arrives.
4. **body deadline**: the whole body must arrive within `body_timeout`
   seconds of the request's start, else 408 and `Connection: close`, so the
   server closes the connection. uvicorn hands the app a request once its
   headers are in and would wait for the body as long as the client trickles
   it. Once the body is complete, waiting for the client's disconnect is not
   bounded here: that wait is uvicorn's business.
5. **gzip** (`server.gzip`) for large answers to clients that accept it.

One layer with one `receive` and one `send` wrapper, rather than a
middleware per step: each layer costs its own coroutine frame, closures and
header scan on every request, and together they were a tenth of the CPU of
a single-client query (`bench/costs`).
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wethod_graphql.observe.observer import Observer
from wethod_graphql.observe.record import RequestRecord, current_request
from wethod_graphql.server.body import BodyTooLarge, BodyTooSlow, BoundedBody
from wethod_graphql.server.gzip import GzipSend, gzip_accepted
from wethod_graphql.server.headers import first_values, text
from wethod_graphql.server.logs import request_id_var
from wethod_graphql.server.media import request_error
from wethod_graphql.server.request_ids import new_request_id
from wethod_graphql.server.routing import GRAPHQL_PATH
from wethod_graphql.upstream.caller import REQUEST_ID

access_log = logging.getLogger("wethod_graphql.access")
log = logging.getLogger(__name__)

#: The access log's status for a client that hung up before its request was
#: read whole (nginx's "client closed request"); nothing is sent to it.
CLIENT_CLOSED = 499
EXPLAIN_HEADER = b"wethod-explain"
#: The request headers read here, each once.
FRONT_HEADERS = frozenset(
    {b"x-request-id", EXPLAIN_HEADER, b"accept", b"content-length", b"accept-encoding"}
)


class Front:
    """The steps above around `app` (see the module).

    `explain_allowed` says whether a `Wethod-Explain: 1` header is honoured;
    answers of `gzip_min_bytes` and more are gzipped at `gzip_level`.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        observer: Observer,
        explain_allowed: bool,
        max_body: int,
        body_timeout: float,
        gzip_min_bytes: int,
        gzip_level: int,
    ) -> None:
        self.app = app
        self.observer = observer
        self.explain_allowed = explain_allowed
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.gzip_min_bytes = gzip_min_bytes
        self.gzip_level = gzip_level

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen = first_values(scope["headers"], FRONT_HEADERS)
        request_id = text(seen.get(b"x-request-id"))
        if request_id is None or not REQUEST_ID.fullmatch(request_id):
            request_id = new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        id_token = request_id_var.set(request_id)
        explain = self.explain_allowed and seen.get(EXPLAIN_HEADER) == b"1"
        method, path = scope["method"], scope["path"]
        record, span, started = self.observer.request_started(
            method, path, scope["headers"], explain=explain
        )
        record_token = current_request.set(record)
        sent = _TrackedSend(send, request_id)
        outcome = ""
        try:
            await self._serve(scope, receive, sent, seen)
        except ClientDisconnect:
            # No error of ours: one INFO line, no trace, nothing sent back.
            sent.status, outcome = CLIENT_CLOSED, " client disconnected"
        finally:
            status = sent.status
            elapsed = self.observer.request_ended(
                record,
                span,
                started,
                status,
                graphql=path == GRAPHQL_PATH and not sent.html,
            )
            if access_log.isEnabledFor(logging.INFO):
                _log_access(record, method, path, status, elapsed, outcome)
            current_request.reset(record_token)
            request_id_var.reset(id_token)

    async def _serve(
        self,
        scope: Scope,
        receive: Receive,
        sent: _TrackedSend,
        seen: dict[bytes, bytes],
    ) -> None:
        """`app`'s answer, within the body's cap and deadline; gzipped if large."""
        accept = seen.get(b"accept")  # decoded only for a refusal
        length = seen.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._refuse(scope, receive, sent, accept, 413)
            return
        send: Send = sent
        encodings = seen.get(b"accept-encoding")
        if encodings is not None and gzip_accepted(encodings):
            send = GzipSend(sent, self.gzip_min_bytes, self.gzip_level)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_timeout
        # With a Content-Length, the server delivers no more than declared.
        body = BoundedBody(
            receive, loop, deadline, None if length is not None else self.max_body
        )
        try:
            await self.app(scope, body, send)
        except BodyTooLarge:
            if not sent.started:
                await self._refuse(scope, receive, sent, accept, 413)
        except BodyTooSlow:
            log.info("Request body not complete within %g s: 408.", self.body_timeout)
            if not sent.started:  # else nothing sane to add; uvicorn closes it
                await self._refuse(scope, receive, sent, accept, 408)

    async def _refuse(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        accept: bytes | None,
        status: int,
    ) -> None:
        if status == 413:
            response = request_error(
                text(accept), f"Request body over {self.max_body} bytes.", 413
            )
        else:
            message = f"Request body not received within {self.body_timeout:g} s."
            response = request_error(text(accept), message, 408)
            response.headers["connection"] = "close"
        await response(scope, receive, send)


def _log_access(
    record: RequestRecord,
    method: str,
    path: str,
    status: int,
    elapsed: float,
    outcome: str,
) -> None:
    """The access line, with the record's fields."""
    fields: dict[str, object] = {
        "status": status,
        "duration_ms": round(elapsed * 1000, 1),
    }
    if record.operation_type is not None:
        fields["operation_type"] = record.operation_type
    if record.operation_name is not None:
        fields["operation_name"] = record.operation_name
    if record.upstream_calls or record.operation_type is not None:
        fields["upstream_calls"] = record.upstream_calls
    if record.error_codes:
        fields["error_codes"] = sorted(set(record.error_codes))
    access_log.info(
        '"%s %s" %d %.1fms%s',
        method,
        path,
        status,
        elapsed * 1000,
        outcome,
        extra=fields,
    )


class _TrackedSend:
    """The server's `send`, with the request id added to the response's
    headers; notes the status, whether the answer is HTML and whether it
    has started (an error found while reading the body can still be
    answered, or must not be)."""

    __slots__ = ("_request_id", "_send", "html", "started", "status")

    def __init__(self, send: Send, request_id: str) -> None:
        self._send = send
        self._request_id = request_id.encode("latin-1")
        #: Until an answer starts: an exception escaped, the server says 500.
        self.status = 500
        self.html = False
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self.status = message["status"]
            # The raw list, not Starlette's `MutableHeaders` (measured: some
            # 5,000 instructions less per request), in one loop rather than a
            # comprehension and a generator (4,500 less); the id replaces any
            # other.
            headers = []
            content_type = None
            for header in message.get("headers", ()):
                name = header[0]
                if name == b"x-request-id":
                    continue
                if content_type is None and name == b"content-type":
                    content_type = header[1]
                headers.append(header)
            self.html = content_type is not None and content_type.startswith(
                b"text/html"
            )
            headers.append((b"x-request-id", self._request_id))
            message["headers"] = headers
        await self._send(message)
