"""`UpstreamClient`: the one place that talks HTTP to the Wethod API.

httpx goes in, typed records or `wethod_graphql.errors` come out: no httpx
exception, status code or response body crosses this module's boundary.
"""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import urlencode, urlsplit

import httpx

from wethod_graphql.config import Settings
from wethod_graphql.errors import InputError, UpstreamTimeout, UpstreamUnavailable
from wethod_graphql.observe.calls import CallObservation
from wethod_graphql.observe.observer import NO_OBSERVER, Observer
from wethod_graphql.observe.record import ResponsePath
from wethod_graphql.upstream.caller import Caller
from wethod_graphql.upstream.failures import (
    TRANSPORT_ERRORS,
    failure_for,
    outcome,
    transport_failure,
)
from wethod_graphql.upstream.records import (
    MAX_ID,
    ClientRecord,
    DeletionFilter,
    RecordError,
    parse_client,
)
from wethod_graphql.upstream.retry import RETRYABLE_STATUSES, RetryPolicy

#: Relations `GET /api/clients/{id}` can embed, in dot-notation.
CLIENT_INCLUDES = frozenset({"externalIdentifiers"})

#: A client body is a few kilobytes; anything near this is not a client.
MAX_BODY_BYTES = 4 * 1024 * 1024

_ID = re.compile(r"[0-9]{1,19}")


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
        observer: Observer | None = None,
    ) -> None:
        self._http = http
        self._base_url = str(http.base_url).rstrip("/")
        base = urlsplit(self._base_url)
        self._host, self._port = base.hostname or "", base.port
        self._observer = observer or NO_OBSERVER
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
        served: list[ResponsePath] | None = None,
    ) -> ClientRecord:
        """`GET /api/clients/{id}`, with `include` relations embedded.

        `served` is the list of response paths the answer will go into, kept
        by reference for `extensions.upstream` (explain); the caller may add
        to it while the call runs.
        """
        number = parse_client_id(client_id)
        unknown = include - CLIENT_INCLUDES
        if unknown:
            raise InputError(f"Unknown relation(s): {', '.join(sorted(unknown))}.")
        headers = caller.headers()
        params = {"deleted": deleted.value}
        if include:
            params["include"] = ",".join(sorted(include))
        subject = f"Client {number}"
        call = self._observer.upstream_call(
            "clients",
            "/api/clients/{id}",
            self._host,
            self._port,
            f"/api/clients/{number}",
            params,
            served,
        )
        body = await self._get_json(
            call, f"/api/clients/{number}", params, headers, subject
        )
        try:
            record = parse_client(body)
        except RecordError as error:
            raise UpstreamUnavailable(
                "The Wethod API sent an unexpected body."
            ) from error
        if record.id != number:
            raise UpstreamUnavailable("The Wethod API answered for another client.")
        return record

    async def ping(self) -> bool:
        """Whether the upstream answers HTTP at all (any status), quickly."""
        try:
            await self._http.head("/", timeout=self._ping_timeout)
        except TRANSPORT_ERRORS:
            return False
        return True

    async def _get_json(
        self,
        call: CallObservation,
        path: str,
        params: dict[str, str],
        headers: dict[str, str],
        subject: str,
    ) -> object:
        deadline = asyncio.get_running_loop().time() + self._budget
        try:
            async with asyncio.timeout_at(deadline):
                body = await self._get_with_retries(
                    call, path, params, headers, subject, deadline
                )
        except TimeoutError as error:
            call.ended(error)
            raise UpstreamTimeout("The Wethod API did not answer in time.") from error
        except BaseException as error:
            call.ended(error)
            raise
        call.ended(None)
        return body

    async def _get_with_retries(
        self,
        call: CallObservation,
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
                response, body = await self._send(call, path, params, headers)
            except TRANSPORT_ERRORS as error:
                cause = error
                failure = transport_failure(error)
                delay = self._retry.delay(attempt, None)
                if delay is None:
                    raise failure from error
            else:
                if response.status_code == 200:
                    return _json(body)
                failure = failure_for(response, body, subject)
                retry_after = getattr(failure, "retry_after", None)
                delay = self._retry.delay(attempt, retry_after)
                if response.status_code not in RETRYABLE_STATUSES or delay is None:
                    raise failure
            if asyncio.get_running_loop().time() + delay >= deadline:
                # Waiting would spend the whole budget (a long Retry-After):
                # report what the upstream said now, not a timeout later.
                raise failure from cause
            call.retrying(outcome(cause) if cause is not None else response.status_code)
            await asyncio.sleep(delay)

    async def _send(
        self,
        call: CallObservation,
        path: str,
        params: dict[str, str],
        headers: dict[str, str],
    ) -> tuple[httpx.Response, bytes]:
        # An absolute URL spares httpx merging it with the base URL per call.
        url = f"{self._base_url}{path}?{urlencode(params)}"
        async with self._slots:
            sent = call.attempt_started(headers)
            try:
                response = await self._http.send(
                    self._http.build_request("GET", url, headers=sent), stream=True
                )
                try:
                    body = await _read_capped(response)
                finally:
                    await response.aclose()
            except BaseException as error:
                call.attempt_ended(outcome(error))
                raise
            call.attempt_ended(response.status_code)
            return response, body


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
