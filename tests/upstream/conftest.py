"""Fixtures for the REST boundary: an `UpstreamClient` over the demo API.

Every call goes over loopback to the demo under uvicorn (`tests.demo_host`),
through the production session. A `Recorder` notes, through aiohttp's own
trace hooks, each attempt and exactly what was sent; it also stands in for
the wait between attempts, noting each delay instead of sleeping it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from multidict import CIMultiDict
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from yarl import URL

from tests.conftest import DEMO_HEADERS, fast_settings, upstream_client
from tests.demo_host import serving, serving_app
from wethod_graphql.demo import DemoApi
from wethod_graphql.upstream import Caller, UpstreamClient
from wethod_graphql.upstream.retry import RetryPolicy


@dataclass(frozen=True)
class Sent:
    """One request as aiohttp put it on the wire."""

    method: str
    url: URL
    headers: CIMultiDict[str]


class Recorder:
    """What the session did: attempts started, requests sent, waits asked for."""

    def __init__(self) -> None:
        #: One per attempt, sent or not (a refused connection sends nothing).
        self.attempts = 0
        self.requests: list[Sent] = []
        #: Set once a first request is on the wire.
        self.sending = asyncio.Event()
        #: The delays the client waited between attempts, in order.
        self.slept: list[float] = []
        self.config = aiohttp.TraceConfig()
        self.config.on_request_start.append(self._started)
        self.config.on_request_headers_sent.append(self._sent)

    async def sleep(self, delay: float) -> None:
        self.slept.append(delay)
        await asyncio.sleep(0)

    async def _started(
        self,
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        self.attempts += 1

    async def _sent(
        self,
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestHeadersSentParams,
    ) -> None:
        self.requests.append(
            Sent(params.method, params.url, CIMultiDict(params.headers))
        )
        self.sending.set()


def caller(headers: Mapping[str, str] | None = None, **defaults: Any) -> Caller:
    """A caller with the demo's good credentials unless told other headers."""
    return Caller.from_headers(DEMO_HEADERS if headers is None else headers, **defaults)


@asynccontextmanager
async def recorded(
    base_url: str, retry: RetryPolicy | None = None, **changes: Any
) -> AsyncIterator[tuple[UpstreamClient, Recorder]]:
    """A client of the upstream at `base_url`, and the recorder of its calls."""
    recorder = Recorder()
    settings = fast_settings(base_url=base_url, **changes)
    async with upstream_client(
        settings, retry, trace_configs=[recorder.config], sleep=recorder.sleep
    ) as client:
        yield client, recorder


@asynccontextmanager
async def over_loopback(
    demo: DemoApi, retry: RetryPolicy | None = None, **changes: Any
) -> AsyncIterator[tuple[UpstreamClient, Recorder]]:
    """A client reaching `demo` over loopback, and the recorder of its calls."""
    with serving(demo) as base_url:
        async with recorded(base_url, retry, **changes) as (client, recorder):
            yield client, recorder


def canned(status: int, body: bytes) -> ASGIApp:
    """An upstream that answers every request with `status` and `body`."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        answer = Response(body, status_code=status, media_type="application/json")
        await answer(scope, receive, send)

    return app


@asynccontextmanager
async def answering(
    status: int, body: bytes
) -> AsyncIterator[tuple[UpstreamClient, Recorder]]:
    """A client of a `canned` upstream, over loopback, and its recorder."""
    with serving_app(canned(status, body)) as base_url:
        async with recorded(base_url) as (client, recorder):
            yield client, recorder


@pytest.fixture
async def upstream(demo: DemoApi) -> AsyncIterator[UpstreamClient]:
    """The default client: fast test settings, the demo over loopback."""
    async with over_loopback(demo) as (client, _):
        yield client


@pytest.fixture
def loopback(demo: DemoApi) -> Iterator[str]:
    """The base URL the demo is served at, for the production session."""
    with serving(demo) as base_url:
        yield base_url
