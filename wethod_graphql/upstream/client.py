"""`UpstreamClient`: the one place that talks HTTP to the Wethod API.

httpx goes in, typed records or `wethod_graphql.errors` come out: no httpx
exception, status code or response body crosses this module's boundary.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Mapping
from urllib.parse import urlencode

import aiohttp
import httpx

from wethod_graphql.config import Settings
from wethod_graphql.errors import (
    Failure,
    Forbidden,
    InputError,
    NotFound,
    PreconditionFailed,
    RateLimited,
    Unauthenticated,
    UpstreamBadRequest,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from wethod_graphql.upstream.caller import Caller
from wethod_graphql.upstream.listing import ListQuery, parse_page
from wethod_graphql.upstream.records import (
    MAX_ID,
    ClientRecord,
    DeletionFilter,
    RecordError,
    parse_client,
)
from wethod_graphql.upstream.retry import (
    RETRYABLE_STATUSES,
    RetryPolicy,
    parse_retry_after,
)

logger = logging.getLogger(__name__)

#: Relations `GET /api/clients/{id}` can embed, in dot-notation.
CLIENT_INCLUDES = frozenset({"externalIdentifiers"})

#: A client body is a few kilobytes; anything near this is not a client.
MAX_BODY_BYTES = 4 * 1024 * 1024

#: What a failed attempt can raise below us: httpx's errors, aiohttp's that
#: the transport leaves unmapped, and socket errors from in-process transports.
TRANSPORT_ERRORS = (httpx.HTTPError, aiohttp.ClientError, OSError)

_ID = re.compile(r"[0-9]{1,19}")

_STATUS_ERRORS: Mapping[int, tuple[type[UpstreamError], str]] = {
    401: (Unauthenticated, "The Wethod API did not accept the credentials."),
    403: (Forbidden, "The credentials do not allow viewing clients (crm.view)."),
    404: (NotFound, "{subject} was not found."),
    412: (PreconditionFailed, "The Wethod API refused the company or version."),
}


def parse_client_id(value: str | int) -> int:
    """An id as the API accepts it (`[0-9]+`, >= 1), or `InputError`."""
    text = str(value)
    number = int(text) if _ID.fullmatch(text) else 0
    if not 1 <= number <= MAX_ID:
        raise InputError(f"Invalid client id {text[:40]!r}: expected an integer >= 1.")
    return number


class UpstreamClient:
    """Gets Wethod resources over one shared `httpx.AsyncClient`.

    At most `settings.max_concurrency` requests are in flight at once across
    the process. Each call has a total budget of `settings.timeout` seconds,
    retries included.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: Settings,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._http = http
        self._base_url = str(http.base_url).rstrip("/")
        self._budget = settings.timeout
        self._ping_timeout = settings.ready_timeout
        self._retry = retry or RetryPolicy(
            attempts=settings.retries,
            base_delay=settings.retry_backoff,
            max_retry_after=settings.retry_after_max,
        )
        self._slots = asyncio.Semaphore(settings.max_concurrency)

    async def get_client(
        self,
        client_id: int | str,
        caller: Caller,
        *,
        include: frozenset[str] = frozenset(),
        deleted: DeletionFilter = DeletionFilter.EXCLUDE,
    ) -> ClientRecord:
        """`GET /api/clients/{id}`, with `include` relations embedded."""
        number = parse_client_id(client_id)
        unknown = include - CLIENT_INCLUDES
        if unknown:
            raise InputError(f"Unknown relation(s): {', '.join(sorted(unknown))}.")
        headers = caller.headers()
        params = {"deleted": deleted.value}
        if include:
            params["include"] = ",".join(sorted(include))
        subject = f"Client {number}"
        body = await self._get_json(f"/api/clients/{number}", params, headers, subject)
        try:
            record = parse_client(body)
        except RecordError as error:
            raise UpstreamUnavailable(
                "The Wethod API sent an unexpected body."
            ) from error
        if record.id != number:
            raise UpstreamUnavailable("The Wethod API answered for another client.")
        return record

    async def list_clients(
        self,
        query: ListQuery,
        caller: Caller,
        *,
        include: frozenset[str] = frozenset(),
    ) -> tuple[ClientRecord, ...]:
        """`GET /api/clients`: one page, `include` relations embedded."""
        unknown = include - CLIENT_INCLUDES
        if unknown:
            raise InputError(f"Unknown relation(s): {', '.join(sorted(unknown))}.")
        headers = caller.headers()
        params = query.params(include)
        body = await self._get_json("/api/clients", params, headers, "The list")
        return parse_page(body, query.limit)

    async def ping(self) -> bool:
        """Whether the upstream answers HTTP at all (any status), quickly."""
        try:
            await self._http.head("/", timeout=self._ping_timeout)
        except TRANSPORT_ERRORS:
            return False
        return True

    async def _get_json(
        self, path: str, params: dict[str, str], headers: dict[str, str], subject: str
    ) -> object:
        deadline = asyncio.get_running_loop().time() + self._budget
        try:
            async with asyncio.timeout_at(deadline):
                return await self._get_with_retries(
                    path, params, headers, subject, deadline
                )
        except TimeoutError as error:
            raise UpstreamTimeout("The Wethod API did not answer in time.") from error

    async def _get_with_retries(
        self,
        path: str,
        params: dict[str, str],
        headers: dict[str, str],
        subject: str,
        deadline: float,
    ) -> object:
        attempt = 0
        while True:
            attempt += 1
            cause: Exception | None = None
            try:
                response, body = await self._send(path, params, headers)
            except TRANSPORT_ERRORS as error:
                cause = error
                failure = _transport_failure(error)
                delay = self._retry.delay(attempt, None)
                if delay is None:
                    raise failure from error
            else:
                if response.status_code == 200:
                    return _json(body)
                failure = _error_for(response, body, subject)
                retry_after = getattr(failure, "retry_after", None)
                delay = self._retry.delay(attempt, retry_after)
                if response.status_code not in RETRYABLE_STATUSES or delay is None:
                    raise failure
            if asyncio.get_running_loop().time() + delay >= deadline:
                # Waiting would spend the whole budget (a long Retry-After):
                # report what the upstream said now, not a timeout later.
                raise failure from cause
            logger.info(
                "upstream %s failed (%s), retry %d in %.2fs",
                path,
                failure.status or type(failure).__name__,
                attempt,
                delay,
            )
            await asyncio.sleep(delay)

    async def _send(
        self, path: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[httpx.Response, bytes]:
        # An absolute URL spares httpx merging it with the base URL per call.
        url = f"{self._base_url}{path}?{urlencode(params)}"
        async with self._slots:
            response = await self._http.send(
                self._http.build_request("GET", url, headers=headers), stream=True
            )
            try:
                return response, await _read_capped(response)
            finally:
                await response.aclose()


def _transport_failure(error: Exception) -> UpstreamError:
    # The aiohttp transport reports some non-timeouts (a dropped connection)
    # as httpx timeouts; the cause tells them apart.
    cause = error.__cause__
    if isinstance(error, httpx.TimeoutException | TimeoutError) and (
        cause is None or isinstance(cause, TimeoutError)
    ):
        return UpstreamTimeout("The Wethod API did not answer in time.")
    return UpstreamUnavailable("The Wethod API could not be reached.")


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError as error:
        raise UpstreamUnavailable("The Wethod API sent invalid JSON.") from error


async def _read_capped(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise UpstreamUnavailable("The Wethod API sent an oversized body.")
        chunks.append(chunk)
    return b"".join(chunks)


def _error_for(response: httpx.Response, body: bytes, subject: str) -> UpstreamError:
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
