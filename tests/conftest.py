"""Central fixtures: a demo API with fault injection, and the service over it.

Everything talks HTTP: the service reaches the demo over loopback (as
`serve --demo` does; `tests.demo_host` serves it), and tests reach the
service through httpx's ASGI transport, with its real lifespan running.
"""

from __future__ import annotations

from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import ExitStack, asynccontextmanager
from typing import Any

import aiohttp
import httpx
import pytest
from starlette.applications import Starlette

from tests import demo_host
from tests.demo_host import serving
from wethod_graphql.config import Settings
from wethod_graphql.demo import DEMO_COMPANY, DEMO_TOKEN, DemoApi
from wethod_graphql.server.app import create_app
from wethod_graphql.upstream import UpstreamClient, create_session
from wethod_graphql.upstream.retry import RetryPolicy

DEMO_HEADERS = {"authorization": f"Bearer {DEMO_TOKEN}", "wethod-company": DEMO_COMPANY}


def fast_settings(**changes: Any) -> Settings:
    """Production settings with retries and timeouts sized for tests."""
    defaults: dict[str, Any] = {
        "base_url": "http://demo",
        "retry_backoff": 0.001,
        # Generous: the demo answers over loopback, on a machine that may be
        # busy; a test about timeouts sets its own.
        "timeout": 20.0,
        "read_timeout": 10.0,
    }
    return Settings(**{**defaults, **changes})


@pytest.fixture(scope="session", autouse=True)
def _demo_host() -> Iterator[None]:
    """Stops the shared demo server (`tests.demo_host`) after the last test."""
    yield
    demo_host.stop()


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
    retry: RetryPolicy | None = None,
    *,
    trace_configs: Sequence[aiohttp.TraceConfig] = (),
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> AsyncIterator[UpstreamClient]:
    """An `UpstreamClient` over a fresh `create_session`, closed after."""
    async with create_session(settings, trace_configs) as session:
        if sleep is None:
            yield UpstreamClient(session, settings, retry)
        else:
            yield UpstreamClient(session, settings, retry, sleep=sleep)


@asynccontextmanager
async def demo_client(
    demo: DemoApi, settings: Settings, retry: RetryPolicy | None = None
) -> AsyncIterator[UpstreamClient]:
    """An `UpstreamClient` reaching `demo` over loopback."""
    with serving(demo) as base_url:
        async with upstream_client(settings.replace(base_url=base_url), retry) as up:
            yield up


@asynccontextmanager
async def start_service(
    settings: Settings, demo: DemoApi, *, over_network: bool = False
) -> AsyncIterator[Service]:
    """The app under its lifespan, reaching `demo` over loopback, or with
    `over_network` the upstream at `settings.base_url`."""
    with ExitStack() as stack:
        if not over_network:
            settings = settings.replace(base_url=stack.enter_context(serving(demo)))
        app = create_app(settings)
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
