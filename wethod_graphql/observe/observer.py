"""`Observer`: the one object the layers report to; metrics and tracing may be off.

Each report is a few attribute checks when both are off, so the hot path
pays next to nothing for what it does not use. `start_tracing` imports the
OpenTelemetry SDK only when tracing is on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from wethod_graphql.observe.calls import CallObservation
from wethod_graphql.observe.metrics import Metrics
from wethod_graphql.observe.record import RequestRecord

if TYPE_CHECKING:
    from wethod_graphql.observe.tracing import Scope, Tracing


def start_tracing(*, document: bool = False) -> Tracing:
    """The tracer, configured by the standard `OTEL_*` variables."""
    from wethod_graphql.observe.tracing import Tracing

    return Tracing(document=document)


class Observer:
    """Process-wide: hands out per-call observations, records requests."""

    def __init__(
        self, metrics: Metrics | None = None, tracing: Tracing | None = None
    ) -> None:
        self.metrics = metrics
        self.tracing = tracing

    def upstream_call(
        self,
        resource: str,
        template: str,
        host: str,
        port: int | None,
        path: str,
        params: Mapping[str, str],
        served: list[list[str | int]] | None = None,
    ) -> CallObservation:
        """The observation of one logical `GET`; see `CallObservation`."""
        return CallObservation(
            self, resource, template, host, port, path, params, served
        )

    # -- requests (the server) -------------------------------------------------

    def request_started(
        self,
        method: str,
        path: str,
        headers: Iterable[tuple[bytes, bytes]],
        *,
        explain: bool,
    ) -> tuple[RequestRecord, Scope | None, float]:
        """A fresh record (the caller makes it current); the server span.

        `headers` are the request's raw ASGI headers, decoded only for tracing.
        """
        record = RequestRecord(explain=explain)
        scope = None
        if self.tracing is not None:
            scope = self.tracing.start_server(method, path, headers)
            record.trace_id, record.span_id = self.tracing.ids(scope[0])
        return record, scope, time.perf_counter()

    def request_ended(
        self,
        record: RequestRecord,
        scope: Scope | None,
        started: float,
        status: int,
        *,
        graphql: bool,
    ) -> float:
        """Ends the server span; counts a GraphQL request; returns its seconds."""
        elapsed = time.perf_counter() - started
        if scope is not None and self.tracing is not None:
            self.tracing.end_server(scope, status)
        if self.metrics is not None and graphql:
            self.metrics.request(record, status, elapsed)
        return elapsed

    # -- operations (the schema) -----------------------------------------------

    def operation_started(
        self,
        record: RequestRecord | None,
        operation_type: str | None,
        name: str | None,
        document: str | None,
    ) -> Scope | None:
        if record is not None:
            record.operation_type = operation_type
            record.operation_name = name
        if self.tracing is None:
            return None
        return self.tracing.start_operation(operation_type, name, document)

    def operation_ended(
        self, record: RequestRecord | None, scope: Scope | None, codes: list[str]
    ) -> None:
        if record is not None:
            record.error_codes.extend(codes)
        if scope is not None and self.tracing is not None:
            self.tracing.end_operation(scope, codes)


#: For code run outside an app (tests, `schema`): nothing on.
NO_OBSERVER = Observer()
