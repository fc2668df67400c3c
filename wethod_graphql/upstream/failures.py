"""What an upstream answer or failure means: one `wethod_graphql.errors` each,
and the label (`outcome`) an attempt without a usable answer is counted as.

A non-200 status maps to its exception, keeping only the body's `key` and
`failures`; a transport failure is a timeout or unavailability; a 200 body
must be JSON. Nothing else of the upstream's answer is passed on. Messages
name the resource (its permission, in a 403) and the item.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping

import aiohttp
import orjson

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
from wethod_graphql.upstream.resources import Resource
from wethod_graphql.upstream.retry import parse_retry_after

#: What of an error body is passed on to clients and logs, and how much: a
#: key that looks like one, and a bounded number of bounded failures.
_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MAX_FAILURES = 50
MAX_FAILURE_CHARS = 200

#: Messages name the resource (`{name}`, `{permission}`) and the item.
_STATUS_ERRORS: Mapping[int, tuple[type[UpstreamError], str]] = {
    401: (Unauthenticated, "The Wethod API did not accept the credentials."),
    403: (Forbidden, "The credentials do not allow viewing {name} ({permission})."),
    404: (NotFound, "{subject} was not found."),
    412: (PreconditionFailed, "The Wethod API refused the company or version."),
}

#: The message of every `UpstreamTimeout`.
TIMED_OUT = "The Wethod API did not answer in time."

#: What a failed attempt can raise below us: aiohttp's errors (its timeouts
#: are `TimeoutError`s too) and socket errors.
TRANSPORT_ERRORS = (aiohttp.ClientError, OSError)


#: Failures to connect at all, as aiohttp raises them.
_CONNECT_ERRORS = (aiohttp.ClientConnectorError, ConnectionRefusedError)


def outcome(error: BaseException) -> str:
    """What an attempt without a usable answer counts as, in metrics, traces
    and logs: `timeout`, `connect_error`, `dropped` or `invalid_body`."""
    if isinstance(error, asyncio.CancelledError | TimeoutError):
        # Cancelled: the call's `Deadline` ended the attempt (or the request
        # was cancelled from outside, which counts the same).
        return "timeout"
    if isinstance(error, UpstreamError):
        return "invalid_body"  # an answer, but oversized
    if isinstance(error, _CONNECT_ERRORS):
        return "connect_error"
    if isinstance(error, aiohttp.ClientError | OSError):
        return "dropped"
    return "error"


def transport_failure(error: Exception) -> UpstreamError:
    # aiohttp's connect timeout is a `TimeoutError` (an attempt's own time
    # limit is the call's `Deadline`); everything else (refused, reset,
    # dropped, a malformed answer) is unavailability.
    if isinstance(error, TimeoutError):
        return UpstreamTimeout(TIMED_OUT)
    return UpstreamUnavailable("The Wethod API could not be reached.")


def decode_json(body: bytes) -> object:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise UpstreamUnavailable("The Wethod API sent invalid JSON.") from error


def error_for(
    status: int,
    retry_after: str | None,
    body: bytes,
    resource: Resource,
    number: int | None,
) -> UpstreamError:
    """The exception for a non-200 answer about item `number` of `resource`
    (None: its list).

    Of the body only `key` and `failures` are kept; the upstream's framework
    fields and message stay behind.
    """
    key, failures = _error_body(body)
    if status == 400:
        return UpstreamBadRequest(
            "The Wethod API rejected the request.", failures=failures, key=key
        )
    if status == 429:
        return RateLimited(
            "The Wethod API is rate limiting this service.",
            retry_after=parse_retry_after(retry_after),
            key=key,
        )
    if status in _STATUS_ERRORS:
        kind, message = _STATUS_ERRORS[status]
        item = f"The {resource.name}" if number is None else f"{resource.noun} {number}"
        text = message.format(
            subject=item, name=resource.name, permission=resource.permission
        )
        return kind(text, status=status, key=key)
    return UpstreamUnavailable(
        f"The Wethod API answered with status {status}.", status=status, key=key
    )


def _error_body(body: bytes) -> tuple[str | None, tuple[Failure, ...]]:
    """`key` and `failures` of an error body; nothing else of it is kept."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None, ()
    if not isinstance(data, dict):
        return None, ()
    key = data.get("key")
    raw_failures = data.get("failures")
    items = raw_failures if isinstance(raw_failures, list) else []
    failures = tuple(
        Failure(_bounded(item.get("field", "")), _bounded(item.get("message", "")))
        for item in items[:MAX_FAILURES]
        if isinstance(item, dict)
    )
    valid_key = isinstance(key, str) and _KEY.fullmatch(key) is not None
    return (key if valid_key else None), failures


def _bounded(value: object) -> str:
    text = str(value)
    if len(text) <= MAX_FAILURE_CHARS:
        return text
    return text[: MAX_FAILURE_CHARS - 1] + "…"
