"""Per-request observation: the record, the server span, metrics, the access line.

Plain ASGI, inside `RequestIdMiddleware` (so the request id is set) and
outside everything else (so a 413 from the body cap is seen too).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wethod_graphql.config import Settings
from wethod_graphql.observe.metrics import CONTENT_TYPE, Metrics
from wethod_graphql.observe.observer import Observer, start_tracing
from wethod_graphql.observe.record import current_request

access_log = logging.getLogger("wethod_graphql.access")

GRAPHQL_PATH = "/graphql"
#: The access log's status for a client that hung up before its request was
#: read whole (nginx's "client closed request"); nothing is sent to it.
CLIENT_CLOSED = 499
EXPLAIN_HEADER = "wethod-explain"


def create_observer(settings: Settings) -> Observer:
    """Metrics unless turned off; tracing when the `OTEL_*` variables ask."""
    return Observer(
        metrics=Metrics() if settings.metrics else None,
        tracing=start_tracing(document=settings.trace_document)
        if settings.tracing
        else None,
    )


async def close_observer(observer: Observer) -> None:
    """Exports the spans still pending (in a thread: the exporter blocks)."""
    if observer.tracing is not None:
        await asyncio.to_thread(observer.tracing.shutdown)


class ObserveMiddleware:
    """Gives each request a `RequestRecord` and reports it when answered.

    The access line (`wethod_graphql.access`) carries the record's fields. A
    client that disconnects while sending its body is no error of ours: its
    line says 499 and "client disconnected", at INFO, without a trace.

    `explain_allowed` says whether a `Wethod-Explain: 1` header is honoured.
    """

    def __init__(self, app: ASGIApp, observer: Observer, explain_allowed: bool) -> None:
        self.app = app
        self.observer = observer
        self.explain_allowed = explain_allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        explain = self.explain_allowed and headers.get(EXPLAIN_HEADER) == "1"
        method, path = scope["method"], scope["path"]
        record, span, started = self.observer.request_started(
            method, path, headers, explain=explain
        )
        token = current_request.set(record)
        status = 500
        html = False

        async def observed_send(message: Message) -> None:
            nonlocal status, html
            if message["type"] == "http.response.start":
                status = message["status"]
                content_type = Headers(raw=message["headers"]).get("content-type", "")
                html = content_type.startswith("text/html")
            await send(message)

        outcome = ""
        try:
            await self.app(scope, receive, observed_send)
        except ClientDisconnect:
            # No error of ours: one INFO line, no trace, nothing sent back.
            status, outcome = CLIENT_CLOSED, " client disconnected"
        finally:
            elapsed = self.observer.request_ended(
                record, span, started, status, graphql=path == GRAPHQL_PATH and not html
            )
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
            current_request.reset(token)


def metrics_endpoint(metrics: Metrics) -> Callable[[Request], Awaitable[Response]]:
    """`GET /metrics`: the Prometheus text exposition."""

    async def endpoint(request: Request) -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    return endpoint
