"""The process-wide `aiohttp.ClientSession`, configured once from `Settings`.

Everything a general-purpose HTTP client would otherwise decide on its own is
stated here: the headers every request carries (and no other), no redirects,
no cookies, no proxy or `.netrc` from the environment, no automatic re-send,
and the connect timeout. The call's budget and each attempt's time limit are
`UpstreamClient`'s.
"""

from __future__ import annotations

from collections.abc import Sequence

import aiohttp

from wethod_graphql import __version__
from wethod_graphql.config import Settings

USER_AGENT = f"wethod-graphql/{__version__}"
KEEPALIVE_SECONDS = 30.0

#: Sent on every upstream request, besides the caller's `Caller.headers()` and
#: `Host`. Named here so that aiohttp adds none of its own: its `User-Agent`
#: would name aiohttp, and its `Accept-Encoding` would change with the
#: compression packages installed.
DEFAULT_HEADERS = {
    "user-agent": USER_AGENT,
    "accept": "application/json",
    "accept-encoding": "gzip, deflate",
}


def create_session(
    settings: Settings, trace_configs: Sequence[aiohttp.TraceConfig] = ()
) -> aiohttp.ClientSession:
    """One session for the process; the server's lifespan opens and closes it.

    Call it inside the running loop. Its pool holds as many connections as
    calls may be in flight, so a call that got a concurrency slot never
    queues again for a connection. `trace_configs` are aiohttp's request
    hooks (tests record what was sent with them).
    """
    connector = aiohttp.TCPConnector(
        limit=settings.max_concurrency,
        limit_per_host=0,
        keepalive_timeout=KEEPALIVE_SECONDS,
        # Certificates verified against the system's trust store.
        ssl=True,
    )
    session = aiohttp.ClientSession(
        connector=connector,
        headers={**DEFAULT_HEADERS, "wethod-version": settings.api_version},
        timeout=aiohttp.ClientTimeout(
            # The call's budget (retries included) and each attempt's time
            # limit (`read_timeout`) are enforced above the session.
            total=None,
            sock_connect=settings.connect_timeout,
            sock_read=None,
        ),
        # Proxy variables and .netrc credentials from the environment would
        # change where requests go and what they carry behind our back.
        trust_env=False,
        # The session serves every caller: a cookie one upstream answer
        # sets must never ride along with another caller's request.
        cookie_jar=aiohttp.DummyCookieJar(),
        trace_configs=list(trace_configs) or None,
        raise_for_status=False,
    )
    # aiohttp re-sends an idempotent request once, unasked, when the server
    # drops a kept-alive connection; our retry policy alone decides how many
    # attempts reach the upstream. (No public switch exists for it; a test
    # proves the demo sees exactly our attempts.)
    session._retry_connection = False
    return session
