"""`UpstreamClient`: the one place that talks HTTP to the Wethod API.

httpx goes in, typed records or `wethod_graphql.errors` come out: no httpx
exception, status code or response body crosses this module's boundary.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlencode

import aiohttp
import httpx

from wethod_graphql.config import Settings
from wethod_graphql.errors import (
    InputError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from wethod_graphql.upstream.caller import Caller
from wethod_graphql.upstream.failures import (
    Subject,
    decode_json,
    error_for,
    transport_failure,
)
from wethod_graphql.upstream.listing import ListQuery, parse_page
from wethod_graphql.upstream.records import (
    ClientRecord,
    Deleted,
    RecordError,
    parse_record,
)
from wethod_graphql.upstream.resources import CLIENTS, Resource, parse_id
from wethod_graphql.upstream.retry import (
    RETRYABLE_STATUSES,
    RetryPolicy,
)

logger = logging.getLogger(__name__)

#: Relations `GET /api/clients/{id}` can embed, in dot-notation.
CLIENT_INCLUDES = CLIENTS.includes

#: A client body is a few kilobytes; anything near this is not a client.
MAX_BODY_BYTES = 4 * 1024 * 1024

#: What a failed attempt can raise below us: httpx's errors, aiohttp's that
#: the transport leaves unmapped, and socket errors from in-process transports.
TRANSPORT_ERRORS = (httpx.HTTPError, aiohttp.ClientError, OSError)


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

    async def get(
        self,
        resource: Resource,
        item_id: int | str,
        caller: Caller,
        *,
        include: frozenset[str] = frozenset(),
        deleted: Deleted = Deleted.EXCLUDE,
    ) -> Any:
        """`GET {path}/{id}` of `resource`: its record, `include` embedded."""
        number = parse_id(item_id, resource)
        _check_includes(resource, include)
        headers = caller.headers()
        params = {"deleted": deleted.value}
        if include:
            params["include"] = ",".join(sorted(include))
        subject = f"{resource.noun} {number}"
        path = f"{resource.path}/{number}"
        body = await self._get_json(path, params, headers, (resource, subject))
        try:
            record = parse_record(resource.record, body)
        except RecordError as error:
            raise UpstreamUnavailable(
                "The Wethod API sent an unexpected body."
            ) from error
        if record.id != number:
            raise UpstreamUnavailable(
                f"The Wethod API answered for another {resource.noun.lower()}."
            )
        return record

    async def list(
        self,
        resource: Resource,
        query: ListQuery,
        caller: Caller,
        *,
        include: frozenset[str] = frozenset(),
        deleted: Deleted = Deleted.EXCLUDE,
    ) -> tuple[Any, ...]:
        """`GET {path}` of `resource`: one page of records, `include` embedded."""
        if not resource.listed:
            raise InputError(f"The Wethod API lists no {resource.name}.")
        unfiltered = {c.field for c in query.conditions} - resource.filters
        if unfiltered:
            raise InputError(f"No filter on {', '.join(sorted(unfiltered))}.")
        _check_includes(resource, include)
        headers = caller.headers()
        params = query.params(include, deleted)
        subject = f"The {resource.name}"
        body = await self._get_json(resource.path, params, headers, (resource, subject))
        return parse_page(resource.record, body, query.limit)

    async def get_client(
        self,
        client_id: int | str,
        caller: Caller,
        *,
        include: frozenset[str] = frozenset(),
        deleted: Deleted = Deleted.EXCLUDE,
    ) -> ClientRecord:
        """`GET /api/clients/{id}`, with `include` relations embedded."""
        record: ClientRecord = await self.get(
            CLIENTS, client_id, caller, include=include, deleted=deleted
        )
        return record

    async def list_clients(
        self,
        query: ListQuery,
        caller: Caller,
        *,
        include: frozenset[str] = frozenset(),
        deleted: Deleted = Deleted.EXCLUDE,
    ) -> tuple[ClientRecord, ...]:
        """`GET /api/clients`: one page, `include` relations embedded."""
        return await self.list(CLIENTS, query, caller, include=include, deleted=deleted)

    async def ping(self) -> bool:
        """Whether the upstream answers HTTP at all (any status), quickly."""
        try:
            await self._http.head("/", timeout=self._ping_timeout)
        except TRANSPORT_ERRORS:
            return False
        return True

    async def _get_json(
        self,
        path: str,
        params: dict[str, str],
        headers: dict[str, str],
        subject: Subject,
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
        subject: Subject,
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
                failure = transport_failure(error)
                delay = self._retry.delay(attempt, None)
                if delay is None:
                    raise failure from error
            else:
                if response.status_code == 200:
                    return decode_json(body)
                failure = error_for(
                    response.status_code,
                    response.headers.get("retry-after"),
                    body,
                    subject,
                )
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


def _check_includes(resource: Resource, include: frozenset[str]) -> None:
    unknown = include - resource.includes
    if unknown:
        raise InputError(f"Unknown relation(s): {', '.join(sorted(unknown))}.")


async def _read_capped(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise UpstreamUnavailable("The Wethod API sent an oversized body.")
        chunks.append(chunk)
    return b"".join(chunks)
