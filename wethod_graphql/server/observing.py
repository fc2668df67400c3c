"""The app's observer (metrics, tracing) and `GET /metrics`.

Each request is observed by `server.front`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from wethod_graphql.config import Settings
from wethod_graphql.observe.metrics import CONTENT_TYPE, Metrics
from wethod_graphql.observe.observer import Observer, start_tracing


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


def metrics_endpoint(metrics: Metrics) -> Callable[[Request], Awaitable[Response]]:
    """`GET /metrics`: the Prometheus text exposition."""

    async def endpoint(request: Request) -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    return endpoint
