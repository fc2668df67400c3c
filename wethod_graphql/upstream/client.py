"""`UpstreamClient`: the one place that talks HTTP to the Wethod API.

aiohttp goes in, typed records or `wethod_graphql.errors` come out: no aiohttp
exception, status code or response body crosses this module's boundary.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

import aiohttp
from yarl import URL

from wethod_graphql.config import Settings
from wethod_graphql.errors import InputError, UpstreamTimeout
from wethod_graphql.observe.observer import NO_OBSERVER, Observer
from wethod_graphql.observe.record import ResponsePath
from wethod_graphql.upstream.body import read_capped
from wethod_graphql.upstream.cache import RecordCache
from wethod_graphql.upstream.caller import Caller
from wethod_graphql.upstream.deadline import Deadline
from wethod_graphql.upstream.failures import (
    TIMED_OUT,
    TRANSPORT_ERRORS,
    error_for,
    outcome,
    transport_failure,
)
from wethod_graphql.upstream.includes import check_includes
from wethod_graphql.upstream.items import parse_item, parse_page_body
from wethod_graphql.upstream.listing import ListQuery
from wethod_graphql.upstream.records import Deleted
from wethod_graphql.upstream.resources import Resource, parse_id
from wethod_graphql.upstream.retry import (
    RETRYABLE_STATUSES,
    RetryPolicy,
    retry_delay,
)

#: Response paths a call's answer goes into (explain); `list` is a method here.
Served = list[ResponsePath]


class UpstreamClient:
    """Gets Wethod resources over one shared `aiohttp.ClientSession`.

    At most `settings.max_concurrency` requests are in flight at once across
    the process. Each call has a total budget of `settings.timeout` seconds,
    retries included, and ends at the latest at its operation's `deadline`
    (event-loop time). `sleep` waits between attempts (tests record it).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        settings: Settings,
        retry: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        observer: Observer = NO_OBSERVER,
        cache: RecordCache | None = None,
    ) -> None:
        """`cache`, when given, keeps items' 200 bodies per caller."""
        self._session = session
        self._cache = cache
        # Quoted once here, so each call can build its URL already encoded.
        base = URL(settings.base_url.rstrip("/"))
        self._base_url = str(base)
        self._host, self._port = base.host or "", base.explicit_port
        self._observer = observer
        self._sleep = sleep
        self._budget = settings.timeout
        self._attempt_timeout = settings.read_timeout
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
        deadline: float | None = None,
        served: Served | None = None,
    ) -> Any:
        """`GET {path}/{id}` of `resource`: its record, `include` embedded.

        `deadline` (the loop's clock) is the operation's: the call ends by
        then, or by its own budget, whichever comes first. `served` is the
        list of response paths the answer goes into, kept by reference for
        `extensions.upstream` (explain); the caller may add to it meanwhile.
        """
        number = parse_id(item_id, resource)
        check_includes(resource, include)
        headers = caller.headers()  # no credentials: no call, no cache either
        params = _item_params(deleted, include)
        query = _item_query(deleted, include)
        path = f"{resource.path}/{number}"
        request = (resource, number, include, path, params, query, headers)
        if self._cache is None:
            # Awaited directly, arguments by position: measured, the keyword
            # `partial`s the cache path builds cost some 10,000 instructions.
            value, _, _ = await self._get(*request, deadline, served)
            return value
        fetch = partial(self._get, *request, deadline, served)
        parse = partial(parse_item, resource, number=number, include=include)
        key = self._cache.key(caller, resource.name, number, deleted.value, include)
        return await self._cache.through(key, path, params, fetch, parse, served)

    async def list(
        self,
        resource: Resource,
        query: ListQuery,
        caller: Caller,
        *,
        include: frozenset[str] = frozenset(),
        deleted: Deleted = Deleted.EXCLUDE,
        deadline: float | None = None,
        served: Served | None = None,
    ) -> tuple[Any, ...]:
        """`GET {path}` of `resource`: one page of records, `include` embedded;
        `deadline` and `served` as for `get`."""
        if not resource.listed:
            raise InputError(f"The Wethod API lists no {resource.name}.")
        unfiltered = {c.field for c in query.conditions} - resource.filters
        if unfiltered:
            raise InputError(f"No filter on {', '.join(sorted(unfiltered))}.")
        check_includes(resource, include)
        headers = caller.headers()
        params = query.params(include, deleted)
        request = (resource, query, include, resource.path, params, urlencode(params))
        page: tuple[Any, ...]
        page, _, _ = await self._get(*request, headers, deadline, served)
        return page

    async def ping(self) -> bool:
        """Whether the upstream answers HTTP at all (any status), quickly."""
        try:
            async with (
                asyncio.timeout(self._ping_timeout),
                self._session.head(
                    URL(f"{self._base_url}/", encoded=True), allow_redirects=False
                ),
            ):
                return True
        except TRANSPORT_ERRORS:
            return False

    async def _get(
        self,
        resource: Resource,
        target: int | ListQuery,
        include: frozenset[str],
        path: str,
        params: dict[str, str],
        query: str,
        headers: dict[str, str],
        operation_deadline: float | None,
        served: Served | None,
    ) -> tuple[Any, bytes, str | None]:
        """The records of a 200 body, the body and its `Cache-Control`; or
        the error for the answer. Parsed within the call, so explain names a
        bad body. `target` is the item's number or the page's query; `query`
        is `params` encoded (explain and the cache read `params`).

        Every attempt runs in this one coroutine: measured, each frame more
        costs instructions on every resumption, and a call resumes several
        times on the wire.
        """
        number = target if isinstance(target, int) else None  # None: a page
        loop = asyncio.get_running_loop()
        now = loop.time()
        deadline = now + self._budget
        if operation_deadline is not None:
            if operation_deadline <= now:
                # The operation is out of time: not even a connection is begun.
                raise UpstreamTimeout(TIMED_OUT)
            deadline = min(deadline, operation_deadline)
        # Built already encoded (ids and enum values need no quoting), which
        # spares aiohttp parsing and re-quoting the URL on every call.
        url = URL(f"{self._base_url}{path}?{query}", encoded=True)
        template = path if number is None else f"{resource.path}/{{id}}"
        call = self._observer.upstream_call(
            resource.name, template, self._host, self._port, path, params, served
        )
        # Each attempt's own time limit (`WETHOD_READ_TIMEOUT`), from when it
        # holds a slot, is this same deadline, moved: aiohttp's read timeout
        # would re-arm a loop timer on every chunk read, measured some 10,000
        # instructions per call. While the call waits (for a slot, or between
        # attempts) it is the call's. A slot free at once (most calls) is
        # taken without waiting, so the first attempt's limit is set at once;
        # otherwise it is set once the attempt holds its slot.
        limit_pending = self._slots.locked()
        expiry = Deadline(
            loop,
            deadline if limit_pending else min(deadline, now + self._attempt_timeout),
        )
        try:
            attempt = 1
            while True:
                # A slot and a response without `async with`: measured, their
                # coroutines cost about 12,000 instructions per attempt.
                await self._slots.acquire()
                if limit_pending:
                    expiry.move(min(deadline, loop.time() + self._attempt_timeout))
                try:
                    sent = call.attempt_started(headers)
                    try:
                        response = await self._session.get(
                            url, headers=sent, allow_redirects=False
                        )
                        body = await read_capped(response)  # releases it
                    except BaseException as error:
                        call.attempt_ended(outcome(error))
                        raise
                    status = response.status
                    answer = response.headers
                    call.attempt_ended(status)
                except TRANSPORT_ERRORS as error:
                    delay = retry_delay(self._retry, attempt, None, deadline)
                    if delay is None:
                        raise transport_failure(error) from error
                    call.retrying(outcome(error))
                except asyncio.CancelledError as error:
                    timed_out = expiry.end(error)
                    # Begun anew for the wait, the next attempt, or the outer
                    # handler's `end` when the cancellation goes on.
                    # (If the call's deadline has passed too, this one is
                    # ended at once by the handler below.)
                    expiry = Deadline(loop, deadline)
                    if not timed_out:
                        raise  # cancelled from outside
                    # The attempt's limit, or the call's deadline, which has
                    # passed then: no delay fits before it.
                    delay = retry_delay(self._retry, attempt, None, deadline)
                    if delay is None:
                        raise UpstreamTimeout(TIMED_OUT) from error
                    call.retrying(outcome(error))
                else:
                    if status == 200:
                        break
                    failure = error_for(
                        status, answer.get("retry-after"), body, resource, number
                    )
                    retry_after = getattr(failure, "retry_after", None)
                    delay = retry_delay(self._retry, attempt, retry_after, deadline)
                    if status not in RETRYABLE_STATUSES or delay is None:
                        raise failure
                    call.retrying(status)
                finally:
                    self._slots.release()  # never held while waiting to retry
                expiry.move(deadline)  # the call's, while it waits
                limit_pending = True
                await self._sleep(delay)
                attempt += 1
            value = (
                parse_page_body(resource, body, limit=target.limit, include=include)
                if isinstance(target, ListQuery)
                else parse_item(resource, body, number=target, include=include)
            )
        except BaseException as error:
            if expiry.end(error):
                late = UpstreamTimeout(TIMED_OUT)
                call.ended(late)
                raise late from error
            call.ended(error)
            raise
        expiry.end(None)
        call.ended(None)
        return value, body, answer.get("cache-control")


def _item_params(deleted: Deleted, include: frozenset[str]) -> dict[str, str]:
    """The query parameters of an item call."""
    params = {"deleted": deleted.value}
    if include:
        params["include"] = ",".join(sorted(include))
    return params


@functools.lru_cache(maxsize=64)
def _item_query(deleted: Deleted, include: frozenset[str]) -> str:
    """`_item_params` encoded, once per filter and include set: they are few
    (includes are checked against the resource first) and `urlencode` costs
    more than the rest of building the URL."""
    return urlencode(_item_params(deleted, include))
