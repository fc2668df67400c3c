"""OpenTelemetry traces: a server span per request, an operation span, and a
client span per upstream HTTP attempt, exported over OTLP/HTTP.

Imported only when tracing is on (see `observe.observer.start_tracing`), so
with tracing off the OpenTelemetry SDK is never loaded. The exporter, the
sampler and the resource follow the standard `OTEL_*` variables, which the
SDK reads when `Tracing` is built at start-up.

Attributes carry the operation's type and name, methods, URL templates,
statuses and attempt numbers; never a header value, a token, a company or a
variable. `graphql.document` is added only when asked for (it may hold
literal values).
"""

from __future__ import annotations

from collections.abc import Iterable

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import (
    TraceContextTextMapPropagator,
)

from wethod_graphql import __version__

DEFAULT_SERVICE_NAME = "wethod-graphql"
_PROPAGATOR = TraceContextTextMapPropagator()

#: What `start_server` and `start_operation` hand back for the matching `end_`.
Scope = tuple[Span, object]


class Tracing:
    """The service's tracer provider, with its own batch exporter."""

    def __init__(
        self, *, exporter: SpanExporter | None = None, document: bool = False
    ) -> None:
        resource = Resource.create({SERVICE_VERSION: __version__})
        if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_"):
            # Neither OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES named it.
            resource = resource.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
        # The sampler comes from OTEL_TRACES_SAMPLER (parent-based by default).
        self._provider = TracerProvider(resource=resource)
        self._provider.add_span_processor(
            BatchSpanProcessor(exporter or OTLPSpanExporter())
        )
        self._tracer = self._provider.get_tracer("wethod_graphql", __version__)
        self._document = document

    def start_server(
        self, method: str, path: str, headers: Iterable[tuple[bytes, bytes]]
    ) -> Scope:
        """The request's span, continuing the caller's `traceparent`, made current.

        `headers` are the request's raw ASGI headers."""
        parent = _PROPAGATOR.extract(carrier=_carrier(headers))
        span = self._tracer.start_span(
            f"{method} {path}",
            context=parent,
            kind=SpanKind.SERVER,
            attributes={
                "http.request.method": method,
                "url.path": path,
                "http.route": path,
            },
        )
        return span, otel_context.attach(trace.set_span_in_context(span))

    def end_server(self, scope: Scope, status: int) -> None:
        span, token = scope
        span.set_attribute("http.response.status_code", status)
        if status >= 500:
            span.set_status(Status(StatusCode.ERROR))
        span.end()
        otel_context.detach(token)  # type: ignore[arg-type]

    def start_operation(
        self, operation_type: str | None, name: str | None, document: str | None
    ) -> Scope:
        """The GraphQL operation's span, child of the current one, made current."""
        attributes: dict[str, str] = {}
        if operation_type is not None:
            attributes["graphql.operation.type"] = operation_type
        if name is not None:
            attributes["graphql.operation.name"] = name
        if self._document and document is not None:
            attributes["graphql.document"] = document
        span_name = " ".join(filter(None, (operation_type, name))) or "GraphQL"
        span = self._tracer.start_span(span_name, attributes=attributes)
        return span, otel_context.attach(trace.set_span_in_context(span))

    def end_operation(self, scope: Scope, error_codes: list[str]) -> None:
        span, token = scope
        if error_codes:
            span.set_attribute("graphql.error_codes", sorted(set(error_codes)))
        span.end()
        otel_context.detach(token)  # type: ignore[arg-type]

    def start_client(
        self, method: str, template: str, host: str, port: int | None, attempt: int
    ) -> Span:
        """One upstream HTTP attempt's span, child of the current (operation) one."""
        attributes: dict[str, str | int] = {
            "http.request.method": method,
            "url.template": template,
            "server.address": host,
            "http.request.resend_count": attempt - 1,
            "wethod.upstream.attempt": attempt,
        }
        if port is not None:
            attributes["server.port"] = port
        return self._tracer.start_span(
            f"{method} {template}", kind=SpanKind.CLIENT, attributes=attributes
        )

    def inject(self, span: Span, headers: dict[str, str]) -> dict[str, str]:
        """`headers` with the trace context of `span` in place of the caller's."""
        sent = {
            k: v for k, v in headers.items() if k not in ("traceparent", "tracestate")
        }
        _PROPAGATOR.inject(sent, context=trace.set_span_in_context(span))
        return sent

    def end_client(self, span: Span, outcome: int | str) -> None:
        if isinstance(outcome, int):
            span.set_attribute("http.response.status_code", outcome)
            failed = outcome >= 500 or outcome == 429
        else:
            span.set_attribute("error.type", outcome)
            failed = True
        if failed:
            span.set_status(Status(StatusCode.ERROR))
        span.end()

    @staticmethod
    def ids(span: Span) -> tuple[str, str]:
        """The trace and span ids of `span`, as in `traceparent` (hex)."""
        context = span.get_span_context()
        return f"{context.trace_id:032x}", f"{context.span_id:016x}"

    def shutdown(self) -> None:
        """Export what is pending and stop; called once, at the app's shutdown."""
        self._provider.shutdown()


def _carrier(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """The first value of each header, by its lower-case name, as Starlette's
    `Headers` reads it."""
    carrier: dict[str, str] = {}
    for name, value in headers:
        carrier.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return carrier
