"""The Starlette app under its real lifespan: health, limits, CORS, ids, logs."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import DEMO_HEADERS, Service, codes, fast_settings, start_service
from tests.servers import run_in_thread
from wethod_graphql.config import Settings
from wethod_graphql.demo import DEMO_TOKEN, DemoApi
from wethod_graphql.server.app import create_app
from wethod_graphql.server.logs import RequestIdFilter
from wethod_graphql.upstream import UpstreamClient


async def test_lifespan_opens_one_client_and_closes_it(
    settings: Settings, demo: DemoApi
) -> None:
    async with start_service(settings, demo) as service:
        upstream = service.app.state.upstream
        assert isinstance(upstream, UpstreamClient)
        session = upstream._session
        assert not session.closed
        for _ in range(3):
            await service.query('{ client(id: "1") { id } }')
        assert service.app.state.upstream is upstream  # one client for every request
    assert session.closed


async def test_healthz(service: Service) -> None:
    response = await service.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_when_the_upstream_answers(service: Service) -> None:
    response = await service.http.get("/readyz")
    assert response.status_code == 200


async def readyz_against(base_url: str) -> httpx.Response:
    """`/readyz` of a service (real transport, real lifespan) over `base_url`."""
    settings = fast_settings(base_url=base_url, ready_timeout=1.0)
    async with start_service(settings, DemoApi(), over_network=True) as service:
        return await service.http.get("/readyz")


async def test_readyz_when_the_upstream_is_down() -> None:
    # Nothing listens on port 9 of loopback (discard): connection refused.
    response = await readyz_against("http://127.0.0.1:9")
    assert response.status_code == 503
    assert response.json()["status"] == "upstream unreachable"


@pytest.mark.parametrize("settings", [fast_settings(max_body=200)])
async def test_body_over_the_cap_is_413(service: Service) -> None:
    small = await service.http.post(
        "/graphql", json={"query": "{ __typename }"}, headers=DEMO_HEADERS
    )
    assert small.status_code == 200
    big = await service.http.post(
        "/graphql", json={"query": "{ __typename }" + " " * 300}, headers=DEMO_HEADERS
    )
    assert big.status_code == 413
    assert codes(big.json()) == ["BAD_REQUEST"]
    asked = await service.http.post(
        "/graphql",
        json={"query": "{ __typename }" + " " * 300},
        headers={**DEMO_HEADERS, "accept": "application/graphql-response+json"},
    )
    assert asked.status_code == 413
    assert asked.headers["content-type"] == "application/graphql-response+json"


@pytest.mark.parametrize("settings", [fast_settings(max_body=200)])
async def test_chunked_body_over_the_cap_is_413(service: Service) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }'
        yield b" " * 300
        yield b'"}'

    response = await service.http.post(
        "/graphql",
        content=chunks(),
        headers={**DEMO_HEADERS, "content-type": "application/json"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "settings", [fast_settings(cors_origins=("https://app.example.com",))]
)
async def test_cors_only_for_configured_origins(service: Service) -> None:
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
    }
    allowed = await service.http.options(
        "/graphql", headers={"origin": "https://app.example.com", **preflight}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    refused = await service.http.options(
        "/graphql", headers={"origin": "https://evil.example.com", **preflight}
    )
    assert "access-control-allow-origin" not in refused.headers


async def test_no_cors_headers_by_default(service: Service) -> None:
    response = await service.http.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={**DEMO_HEADERS, "origin": "https://app.example.com"},
    )
    assert "access-control-allow-origin" not in response.headers


async def test_request_id_is_echoed_and_forwarded(service: Service) -> None:
    response = await service.http.post(
        "/graphql",
        json={"query": '{ client(id: "1") { id } }'},
        headers={**DEMO_HEADERS, "x-request-id": "req-123"},
    )
    assert response.headers["x-request-id"] == "req-123"
    [call] = service.demo.client_requests()
    assert call.headers["x-request-id"] == "req-123"


async def test_request_id_is_made_when_missing_or_malformed(service: Service) -> None:
    first = await service.http.get("/healthz")
    second = await service.http.get(
        "/healthz", headers={"x-request-id": "bad id\twith tabs"}
    )
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2
    assert all(len(i) == 32 for i in ids)


async def test_logs_carry_request_ids_and_never_tokens(service: Service) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.DEBUG)
    service.demo.faults.fail(1, 503, times=10)
    try:
        await service.http.post(
            "/graphql",
            json={"query": '{ client(id: "1") { id } b: client(id: "9999") { id } }'},
            headers={**DEMO_HEADERS, "x-request-id": "trace-me"},
        )
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = stream.getvalue().splitlines()
    ours = [line for line in lines if " wethod_graphql." in line]
    assert any("UPSTREAM_UNAVAILABLE" in line for line in ours)
    assert any('"POST /graphql" 200' in line for line in ours)
    assert all("[trace-me]" in line for line in ours), ours
    assert DEMO_TOKEN not in stream.getvalue()


async def test_get_queries_work_and_graphiql_is_served(service: Service) -> None:
    response = await service.http.get(
        "/graphql", params={"query": '{ client(id: "2") { id } }'}, headers=DEMO_HEADERS
    )
    assert response.json() == {"data": {"client": {"id": "2"}}}
    page = await service.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


@pytest.mark.parametrize("settings", [fast_settings(graphiql=False)])
async def test_graphiql_can_be_switched_off(service: Service) -> None:
    page = await service.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"] == "application/json"
    assert "graphiql" not in page.text.lower()


def test_service_over_loopback_with_the_demo_over_loopback() -> None:
    demo = DemoApi()
    with run_in_thread(demo.app) as demo_url:
        app = create_app(fast_settings(base_url=demo_url))
        with run_in_thread(app) as url:
            response = httpx.post(
                f"{url}/graphql",
                json={"query": '{ client(id: "1") { corporateName } }'},
                headers=DEMO_HEADERS,
            )
    assert response.json() == {
        "data": {"client": {"corporateName": "Rossi Arredamenti S.r.l."}}
    }
    assert len(demo.client_requests()) == 1


async def test_graphiql_only_for_clients_that_ask_for_html(service: Service) -> None:
    probe = await service.http.get("/graphql", headers={"accept": "*/*"})
    assert "text/html" not in probe.headers.get("content-type", "")
    browser = await service.http.get(
        "/graphql", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert browser.headers["content-type"].startswith("text/html")


async def test_readyz_when_the_upstream_speaks_garbage() -> None:
    # A TCP server that answers every connection with something not HTTP.
    async def garbage(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.read(1024)
        writer.write(b"HELLO WORLD\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(garbage, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        response = await readyz_against(f"http://127.0.0.1:{port}")
    finally:
        server.close()
        await server.wait_closed()
    assert response.status_code == 503
