"""The process-wide `httpx.AsyncClient`, configured once from `Settings`.

Its transport is aiohttp's connection pool (through `httpx-aiohttp`) rather
than httpcore's: under load httpcore's pool re-scans every connection for
every queued request (encode/httpcore#1035) and spent most of the service's
time there, keeping few calls in flight; aiohttp's pool does not.
"""

from __future__ import annotations

import httpx
from httpx_aiohttp import AiohttpTransport

from wethod_graphql import __version__
from wethod_graphql.config import Settings

USER_AGENT = f"wethod-graphql/{__version__}"


def create_http_client(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """One client for the process; the server's lifespan opens and closes it.

    The pool holds as many connections as calls may be in flight, so a call
    that got a concurrency slot never queues again for a connection.
    `transport` is the seam tests use to reach the demo API in-process.
    """
    limits = httpx.Limits(
        max_connections=settings.max_concurrency,
        max_keepalive_connections=settings.max_concurrency,
        keepalive_expiry=30.0,
    )
    return httpx.AsyncClient(
        base_url=settings.base_url,
        transport=transport or AiohttpTransport(limits=limits, trust_env=False),
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
        limits=limits,
        follow_redirects=False,
        # Proxy variables and .netrc credentials from the environment would
        # change where requests go and what they carry behind our back.
        trust_env=False,
    )
