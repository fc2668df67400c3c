"""Central fixtures: a demo API with fault injection, and the service over it.

Everything talks HTTP: the service reaches the demo through httpx's ASGI
transport (the same seam `serve --demo` uses), and tests reach the service
the same way, with its real lifespan running.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from wethod_graphql.config import Settings
from wethod_graphql.demo import DEMO_COMPANY, DEMO_TOKEN, DemoApi
from wethod_graphql.server.app import create_app
from wethod_graphql.upstream import UpstreamClient, create_http_client
from wethod_graphql.upstream.retry import RetryPolicy

DEMO_HEADERS = {"authorization": f"Bearer {DEMO_TOKEN}", "wethod-company": DEMO_COMPANY}


def fast_settings(**changes: Any) -> Settings:
    """Production settings with retries and timeouts sized for tests."""
    defaults: dict[str, Any] = {
        "base_url": "http://demo",
        "retry_backoff": 0.001,
        "timeout": 5.0,
        "read_timeout": 2.0,
    }
    return Settings(**{**defaults, **changes})


@pytest.fixture
def demo() -> DemoApi:
    return DemoApi(faults=True)


@pytest.fixture
def settings() -> Settings:
    return fast_settings()


class Service:
    """The running service and a client to it, for one test."""

    def __init__(self, app: Starlette, http: httpx.AsyncClient, demo: DemoApi) -> None:
        self.app = app
        self.http = http
        self.demo = demo

    async def query(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST an operation; asserts HTTP 200 and returns the JSON body."""
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": dict(variables or {})},
            headers=DEMO_HEADERS if headers is None else headers,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@asynccontextmanager
async def upstream_client(
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> AsyncIterator[UpstreamClient]:
    """An `UpstreamClient` over a fresh `create_http_client`, closed after."""
    async with create_http_client(settings, transport) as http:
        yield UpstreamClient(http, settings, retry)


@asynccontextmanager
async def start_service(
    settings: Settings, demo: DemoApi, *, over_network: bool = False
) -> AsyncIterator[Service]:
    """The app under its lifespan, reaching `demo` in-process, or with
    `over_network` the upstream at `settings.base_url` for real."""
    transport = None if over_network else httpx.ASGITransport(app=demo.app)
    app = create_app(settings, transport=transport)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://service"
        ) as http,
    ):
        yield Service(app, http, demo)


@pytest.fixture
async def service(settings: Settings, demo: DemoApi) -> AsyncIterator[Service]:
    async with start_service(settings, demo) as running:
        yield running


def codes(body: Mapping[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]
