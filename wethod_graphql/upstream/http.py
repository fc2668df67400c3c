"""The process-wide `httpx.AsyncClient`, configured once from `Settings`."""

from __future__ import annotations

import httpx

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
    return httpx.AsyncClient(
        base_url=settings.base_url,
        transport=transport,
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
        limits=httpx.Limits(
            max_connections=settings.max_concurrency,
            max_keepalive_connections=settings.max_concurrency,
            keepalive_expiry=30.0,
        ),
        follow_redirects=False,
        # Proxy variables and .netrc credentials from the environment would
        # change where requests go and what they carry behind our back.
        trust_env=False,
    )
