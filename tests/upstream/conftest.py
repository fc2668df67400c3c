"""Fixtures for the REST boundary: an `UpstreamClient` over the demo API.

In-process through `httpx.ASGITransport` by default; over real loopback under
uvicorn (`loopback` fixture) where sockets matter. A `Recorder` wraps any
transport to count attempts and note exactly what httpx sent, and when.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from tests.conftest import DEMO_HEADERS, fast_settings, upstream_client
from tests.servers import run_in_thread
from wethod_graphql.demo import DemoApi
from wethod_graphql.upstream import Caller, UpstreamClient
from wethod_graphql.upstream.retry import RetryPolicy


class Recorder(httpx.AsyncBaseTransport):
    """A transport that notes each request (and its start time) before sending it."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []
        self.started: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.started.append(time.monotonic())
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def caller(headers: Mapping[str, str] | None = None, **defaults: Any) -> Caller:
    """A caller with the demo's good credentials unless told other headers."""
    return Caller.from_headers(DEMO_HEADERS if headers is None else headers, **defaults)


@asynccontextmanager
async def in_process(
    demo: DemoApi, retry: RetryPolicy | None = None, **changes: Any
) -> AsyncIterator[tuple[UpstreamClient, Recorder]]:
    """A client reaching `demo` in-process, and the recorder of its requests."""
    recorder = Recorder(httpx.ASGITransport(app=demo.app))
    async with upstream_client(fast_settings(**changes), recorder, retry) as client:
        yield client, recorder


@pytest.fixture
async def upstream(demo: DemoApi) -> AsyncIterator[UpstreamClient]:
    """The default client: fast test settings, the demo in-process."""
    async with in_process(demo) as (client, _):
        yield client


@pytest.fixture
def loopback(demo: DemoApi) -> Iterator[str]:
    """The demo under a real uvicorn on 127.0.0.1; yields its base URL.

    A short graceful-shutdown timeout cuts handlers still sleeping on a delay
    fault after the client gave up on them.
    """
    with run_in_thread(demo.app, timeout_graceful_shutdown=0.1) as base_url:
        yield base_url
