"""The process-wide `httpx.AsyncClient`, configured once from `Settings`.

Its transport is aiohttp's connection pool (through `httpx-aiohttp`) rather
than httpcore's: under load httpcore's pool re-scans every connection for
every queued request (encode/httpcore#1035) and spent most of the service's
time there, keeping few calls in flight; aiohttp's pool does not.
"""

from __future__ import annotations

from collections.abc import Callable
from http.cookiejar import CookieJar, DefaultCookiePolicy

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from wethod_graphql import __version__
from wethod_graphql.config import Settings

USER_AGENT = f"wethod-graphql/{__version__}"
KEEPALIVE_SECONDS = 30.0


def create_http_client(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """One client for the process; the server's lifespan opens and closes it.

    `transport` is the seam tests use to reach the demo API in-process.
    """
    return httpx.AsyncClient(
        base_url=settings.base_url,
        transport=transport or AiohttpTransport(client=_session_factory(settings)),
        headers={
            "user-agent": USER_AGENT,
            "accept": "application/json",
            "wethod-version": settings.api_version,
        },
        timeout=httpx.Timeout(
            settings.read_timeout,
            connect=settings.connect_timeout,
            pool=settings.timeout,
        ),
        # Shared by every caller, so it must keep no cookie (as the session below).
        cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),
        follow_redirects=False,
        # Proxy variables and .netrc credentials from the environment would
        # change where requests go and what they carry behind our back.
        trust_env=False,
    )


def _session_factory(settings: Settings) -> Callable[[], aiohttp.ClientSession]:
    """The aiohttp session, made on first use (inside the running loop).

    Its pool holds as many connections as calls may be in flight, so a call
    that got a concurrency slot never queues again for a connection.
    """

    def create() -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=settings.max_concurrency,
            keepalive_timeout=KEEPALIVE_SECONDS,
            ssl=httpx.create_ssl_context(trust_env=False),
        )
        session = aiohttp.ClientSession(
            connector=connector,
            trust_env=False,
            # The session serves every caller: a cookie one upstream answer
            # sets must never ride along with another caller's request.
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        # aiohttp re-sends an idempotent request once, unasked, when the server
        # drops the connection; our retry policy alone decides how many
        # attempts reach the upstream. (No public switch exists for it.)
        session._retry_connection = False
        return session

    return create
