"""Traces over OTLP/HTTP: the span tree of one request, as a collector gets it.

A small OTLP/HTTP receiver on loopback collects what the service exports;
`opentelemetry-proto` decodes it.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import textwrap
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.conftest import DEMO_HEADERS, Service, fast_settings, start_service
from tests.servers import run_in_thread
from wethod_graphql.demo import DEMO_COMPANY, DEMO_TOKEN, DemoApi
from wethod_graphql.server.logs import JsonFormatter, RequestIdFilter

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_ID}-01"
SECRET_VARIABLE = "7"  # a variable value: no attribute may carry it


class Receiver:
    """Collects the spans of every OTLP/HTTP export it receives."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self._lock = threading.Lock()
        self.app = Starlette(
            routes=[Route("/v1/traces", self.receive, methods=["POST"])]
        )

    async def receive(self, request: Request) -> Response:
        assert request.headers["content-type"] == "application/x-protobuf"
        export = ExportTraceServiceRequest.FromString(await request.body())
        with self._lock:
            for resource in export.resource_spans:
                for scope in resource.scope_spans:
                    self.spans.extend(scope.spans)
        return Response(b"", media_type="application/x-protobuf")


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    """A receiver, and the standard variable pointing the exporter at it."""
    collector = Receiver()
    with run_in_thread(collector.app) as url:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", url)
        monkeypatch.setenv("OTEL_SERVICE_NAME", "graphql-under-test")
        yield collector


@dataclass
class Traced:
    service: Service
    receiver: Receiver


@pytest.fixture
async def traced(receiver: Receiver, demo: DemoApi) -> AsyncIterator[Traced]:
    async with start_service(fast_settings(tracing=True), demo) as service:
        yield Traced(service, receiver)
    # Leaving the lifespan flushed the exporter: every span has arrived.


def hex_id(raw: bytes) -> str:
    return raw.hex()


def attributes(span: Span) -> dict[str, object]:
    values: dict[str, object] = {}
    for item in span.attributes:
        kind = item.value.WhichOneof("value")
        if kind == "array_value":
            values[item.key] = [v.string_value for v in item.value.array_value.values]
        else:
            values[item.key] = getattr(item.value, kind or "string_value")
    return values


async def test_the_span_tree_of_one_request(receiver: Receiver, demo: DemoApi) -> None:
    demo.faults.fail(2, 503, times=1)  # one retry: two client spans for client 2
    async with start_service(fast_settings(tracing=True), demo) as service:
        body = await service.query(
            'query Pair($id: ID!) { a: client(id: "1") { id } b: client(id: $id) { id } }',
            {"id": "2"},
            headers={**DEMO_HEADERS, "traceparent": TRACEPARENT},
        )
        assert "errors" not in body
        sent = [r.headers["traceparent"] for r in demo.client_requests()]
    spans = receiver.spans
    by_kind = {kind: [s for s in spans if s.kind == kind] for kind in (1, 2, 3)}
    internal, server, client = by_kind[1], by_kind[2], by_kind[3]
    assert len(server) == 1
    assert len(internal) == 1
    (request,), (operation,) = server, internal
    assert {hex_id(s.trace_id) for s in spans} == {TRACE_ID}
    assert hex_id(request.parent_span_id) == PARENT_ID
    assert request.name == "POST /graphql"
    assert attributes(request)["http.response.status_code"] == 200
    assert operation.parent_span_id == request.span_id
    assert operation.name == "query Pair"
    assert attributes(operation) == {
        "graphql.operation.type": "query",
        "graphql.operation.name": "Pair",
    }

    # One client span per HTTP attempt the demo API saw, all children of
    # the operation, and each attempt sent its own span as traceparent.
    assert len(client) == len(sent) == 3
    assert all(s.parent_span_id == operation.span_id for s in client)
    assert sorted(sent) == sorted(
        f"00-{TRACE_ID}-{hex_id(s.span_id)}-01" for s in client
    )
    described = sorted(
        (
            attributes(s)["url.template"],
            attributes(s)["http.response.status_code"],
            attributes(s)["wethod.upstream.attempt"],
        )
        for s in client
    )
    assert described == [
        ("/api/clients/{id}", 200, 1),
        ("/api/clients/{id}", 200, 2),
        ("/api/clients/{id}", 503, 1),
    ]
    for span in spans:
        values = [str(v) for v in attributes(span).values()]
        assert DEMO_TOKEN not in str(values)
        assert DEMO_COMPANY not in str(values)
        assert SECRET_VARIABLE not in values


async def test_log_lines_carry_the_trace(traced: Traced) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        await traced.service.query(
            '{ client(id: "1") { id } }',
            headers={**DEMO_HEADERS, "traceparent": TRACEPARENT},
        )
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    (access,) = [e for e in entries if e["logger"] == "wethod_graphql.access"]
    assert access["trace_id"] == TRACE_ID
    assert len(access["span_id"]) == 16
    assert access["span_id"] != PARENT_ID


async def test_a_request_without_traceparent_starts_a_trace(
    traced: Traced,
) -> None:
    await traced.service.query('{ client(id: "1") { id } }')
    (call,) = traced.service.demo.client_requests()
    assert call.headers["traceparent"] != TRACEPARENT
    assert call.headers["traceparent"].startswith("00-")


async def test_the_document_is_not_an_attribute_unless_asked(
    receiver: Receiver, demo: DemoApi
) -> None:
    query = '{ client(id: "1") { id } }'
    for document in (False, True):
        settings = fast_settings(tracing=True, trace_document=document)
        async with start_service(settings, demo) as service:
            await service.query(query)
    operations = [s for s in receiver.spans if s.kind == 1]
    assert [attributes(s).get("graphql.document") for s in operations] == [
        None,
        query,
    ]


async def test_with_tracing_off_the_callers_traceparent_passes(
    service: Service,
) -> None:
    await service.query(
        '{ client(id: "1") { id } }',
        headers={**DEMO_HEADERS, "traceparent": TRACEPARENT},
    )
    (call,) = service.demo.client_requests()
    assert call.headers["traceparent"] == TRACEPARENT


def test_with_tracing_off_the_sdk_is_never_imported() -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys
        import httpx
        from wethod_graphql.config import Settings
        from wethod_graphql.demo import DEMO_COMPANY, DEMO_TOKEN, DemoApi, serve_in_thread
        from wethod_graphql.server.app import create_app

        async def main():
            with serve_in_thread(DemoApi()) as demo_url:
                app = create_app(Settings(base_url=demo_url))
                async with app.router.lifespan_context(app), httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://s"
                ) as http:
                    response = await http.post(
                        "/graphql",
                        json={"query": '{ client(id: "1") { id } }'},
                        headers={
                            "authorization": f"Bearer {DEMO_TOKEN}",
                            "wethod-company": DEMO_COMPANY,
                        },
                    )
                    assert response.json()["data"]["client"]["id"] == "1"
            loaded = sorted(m for m in sys.modules if m.startswith("opentelemetry"))
            print(loaded)

        asyncio.run(main())
        """
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
