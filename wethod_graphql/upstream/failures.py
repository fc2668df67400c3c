"""What a failed attempt becomes: an `errors` exception, and an outcome label.

`failure_for` maps an HTTP answer, `transport_failure` a transport error,
to the exception the boundary raises; `outcome` names an attempt that got
no usable answer for metrics, traces and logs (`timeout`, `connect_error`,
`dropped`, `invalid_body`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping

import aiohttp
import httpx

from wethod_graphql.errors import (
    Failure,
    Forbidden,
    NotFound,
    PreconditionFailed,
    RateLimited,
    Unauthenticated,
    UpstreamBadRequest,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from wethod_graphql.upstream.retry import parse_retry_after

#: What a failed attempt can raise below us: httpx's errors, aiohttp's that
#: the transport leaves unmapped, and socket errors from in-process transports.
TRANSPORT_ERRORS = (httpx.HTTPError, aiohttp.ClientError, OSError)

_STATUS_ERRORS: Mapping[int, tuple[type[UpstreamError], str]] = {
    401: (Unauthenticated, "The Wethod API did not accept the credentials."),
    403: (Forbidden, "The credentials do not allow viewing clients (crm.view)."),
    404: (NotFound, "{subject} was not found."),
    412: (PreconditionFailed, "The Wethod API refused the company or version."),
}


_CONNECT_ERRORS = (
    httpx.ConnectError,
    aiohttp.ClientConnectorError,
    ConnectionRefusedError,
)


def outcome(error: BaseException) -> str:
    """What an attempt that got no usable answer is counted as."""
    if isinstance(error, asyncio.CancelledError):
        # The call's budget (`asyncio.timeout_at`) cancels the attempt.
        return "timeout"
    if isinstance(error, UpstreamError):
        return "invalid_body"  # an answer, but oversized
    if isinstance(error, TRANSPORT_ERRORS):
        if isinstance(transport_failure(error), UpstreamTimeout):
            return "timeout"
        # The aiohttp transport reports a refused connection as an httpx
        # connect timeout caused by aiohttp's connector error.
        if any(isinstance(e, _CONNECT_ERRORS) for e in (error, error.__cause__)):
            return "connect_error"
        return "dropped"
    return "error"


def transport_failure(error: Exception) -> UpstreamError:
    # The aiohttp transport reports some non-timeouts (a dropped connection)
    # as httpx timeouts; the cause tells them apart.
    cause = error.__cause__
    if isinstance(error, httpx.TimeoutException | TimeoutError) and (
        cause is None or isinstance(cause, TimeoutError)
    ):
        return UpstreamTimeout("The Wethod API did not answer in time.")
    return UpstreamUnavailable("The Wethod API could not be reached.")


def failure_for(response: httpx.Response, body: bytes, subject: str) -> UpstreamError:
    """The exception for a non-200 answer about `subject` ("Client 7").

    Of the body only `key` and `failures` are kept; the upstream's framework
    fields and message stay behind.
    """
    status = response.status_code
    key, failures = _error_body(body)
    if status == 400:
        return UpstreamBadRequest(
            "The Wethod API rejected the request.", failures=failures, key=key
        )
    if status == 429:
        return RateLimited(
            "The Wethod API is rate limiting this service.",
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            key=key,
        )
    if status in _STATUS_ERRORS:
        kind, message = _STATUS_ERRORS[status]
        return kind(message.format(subject=subject), status=status, key=key)
    return UpstreamUnavailable(
        f"The Wethod API answered with status {status}.", status=status, key=key
    )


def _error_body(body: bytes) -> tuple[str | None, tuple[Failure, ...]]:
    """`key` and `failures` of an error body; nothing else of it is kept."""
    try:
        data = json.loads(body)
    except ValueError:
        return None, ()
    if not isinstance(data, dict):
        return None, ()
    key = data.get("key")
    raw_failures = data.get("failures")
    failures = tuple(
        Failure(str(item.get("field", "")), str(item.get("message", "")))
        for item in (raw_failures if isinstance(raw_failures, list) else [])[:50]
        if isinstance(item, dict)
    )
    return (key if isinstance(key, str) else None), failures
