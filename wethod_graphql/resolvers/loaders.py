"""The per-request DataLoader of every resource: items and pages, batched.

One operation may ask for the same item many times: through aliases,
fragments, `clients(ids:)` or federation `_entities`, with and without its
relations; and for the same page of a list twice. All the keys collected in
one tick become one batch, and the batch makes one REST call per (resource,
item or page, deletion filter) carrying the union of the includes its keys
need, all calls at once. A failed call fails its keys alone. Every call
spends from the operation's `CallBudget`, and, when per-caller limits are
on, each batch's calls from the caller's upstream-call budget.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from aiodataloader import DataLoader

from wethod_graphql.errors import CallerRateLimited, InputError
from wethod_graphql.observe.record import ResponsePath
from wethod_graphql.resolvers.budget import CallBudget
from wethod_graphql.upstream import Caller, Deleted, UpstreamClient
from wethod_graphql.upstream.listing import ListQuery
from wethod_graphql.upstream.ratelimit import CallerLimits
from wethod_graphql.upstream.resources import Resource

#: What one upstream call answers: a resource's item or page, under a filter.
CallId = tuple[Resource, int | ListQuery, Deleted]
#: An upstream call not yet started, or its refusal.
Request = Coroutine[Any, Any, Any] | Exception


@dataclass(frozen=True, slots=True)
class Key:
    """Everything that changes an answer, so a cached value is never wrong.

    `target` is an item's id, or a page of the resource's list. A record
    fetched without a relation must not be served to a selection that needs
    it, hence `include` belongs to the key.
    """

    resource: Resource
    target: int | ListQuery
    deleted: Deleted = Deleted.EXCLUDE
    include: frozenset[str] = frozenset()

    @property
    def call(self) -> CallId:
        """What one call answers; keys differing only in includes share it."""
        return self.resource, self.target, self.deleted


class ResourceLoader:
    """Loads items and pages for one request and one caller; never shared.

    The batch function starts one upstream call per distinct `Key.call` and
    hands each key the task of its call, so a key resolves as soon as its own
    answer is in: GraphQL completes the first items while the last are still
    on the wire, instead of waiting for the slowest of the batch.
    """

    def __init__(
        self,
        upstream: UpstreamClient,
        caller: Caller,
        budget: CallBudget,
        limits: CallerLimits | None = None,
        explain: bool = False,
    ) -> None:
        """`limits`, when they limit upstream calls, grant each batch's calls
        from the caller's budget; with `explain`, each call keeps the response
        paths it served."""
        self._upstream = upstream
        # Kept only when they limit calls: otherwise every call is granted.
        self._call_limits = (
            limits if limits is not None and limits.limits_calls else None
        )
        self._caller = caller
        self._budget = budget
        self._served: dict[CallId, list[ResponsePath]] = {}
        self._explain = explain
        # Built on the first `load`: an execution plan's `load_all` needs none.
        self._loader: DataLoader[Key, asyncio.Future[Any]] | None = None

    @property
    def explains(self) -> bool:
        """Whether `load` wants the response path it serves."""
        return self._explain

    def serve(self, key: Key, path: ResponsePath) -> None:
        """Notes, when explaining, that `key`'s answer goes to `path`."""
        if self._explain:
            self._served.setdefault(key.call, []).append(path)

    async def load(self, key: Key, path: ResponsePath | None = None) -> Any:
        """The record (an item) or records (a page) for `key`, or the
        `WethodGraphQLError` for it.

        Both awaits are shielded: graphql-core cancels a sibling field when a
        non-null error nulls their parent, and cancelling a future or task
        that other fields await would turn their results into an HTTP 500.
        So the upstream call of a cancelled field (a root nulled) keeps
        running, on purpose, until it ends or reaches its own deadline: the
        operation's, bounded by `WETHOD_REQUEST_TIMEOUT`.
        """
        if path is not None:
            self.serve(key, path)
        if self._loader is None:
            # aiodataloader binds the running loop here: built inside a request.
            self._loader = DataLoader(
                # No batch size: a split batch could fetch one item twice, once
                # per include set. The call budget and the upstream's
                # concurrency cap bound the work instead.
                batch_load_fn=self._load_batch
            )
        call = await asyncio.shield(self._loader.load(key))
        return await asyncio.shield(call)

    async def load_all(self, keys: Sequence[Key]) -> dict[Key, Any]:
        """Each key's answer or its `WethodGraphQLError`, all in one batch.

        For execution plans, which know every key before loading any: the
        keys are the batch, in the order given (the call budget refuses the
        last ones first), with no DataLoader tick in between; the answer
        comes once every call is done. A batch of one call (the most common
        operation) runs in the caller's task, not a task of its own.
        """
        distinct = list(dict.fromkeys(keys))
        includes = _includes(distinct)
        if self._call_limits is None:
            # No coroutine to await: measured, some 2,000 instructions less.
            requests = self._requests(includes, len(includes), 0)
        else:
            requests = await self._granted(includes)
        if len(requests) == 1:
            (request,) = requests.values()
            if isinstance(request, Exception):
                return dict.fromkeys(distinct, request)
            # Awaited here, not through `_outcome`: measured, a frame fewer
            # on every resumption of the call.
            try:
                outcome = await request
            except Exception as error:  # the call fails on its own
                outcome = error
            return dict.fromkeys(distinct, outcome)
        started = {call: _started(request) for call, request in requests.items()}
        return {key: await _outcome(started[key.call]) for key in distinct}

    async def _load_batch(self, keys: list[Key]) -> list[asyncio.Future[Any]]:
        requests = await self._granted(_includes(keys))
        started = {call: _started(request) for call, request in requests.items()}
        return [started[key.call] for key in keys]

    async def _granted(
        self, includes: dict[CallId, frozenset[str]]
    ) -> dict[CallId, Request]:
        """`_requests` for the calls the caller's budget grants now."""
        granted, retry_after = (
            (len(includes), 0)
            if self._call_limits is None
            else await self._call_limits.grant_calls(self._caller, len(includes))
        )
        return self._requests(includes, granted, retry_after)

    def _requests(
        self, includes: dict[CallId, frozenset[str]], granted: int, retry_after: int
    ) -> dict[CallId, Request]:
        """One request per call of `includes`, with its includes, for the
        first `granted` calls; a refusal in place of each call past a budget
        (the caller's: come back in `retry_after` seconds)."""
        return {
            call: (
                self._request(call, wanted)
                if index < granted
                else CallerRateLimited("upstreamCalls", retry_after)
            )
            for index, (call, wanted) in enumerate(includes.items())
        }

    def _request(self, call: CallId, include: frozenset[str]) -> Request:
        """The upstream call for one item or page (not started), or its
        refusal past the operation's budget."""
        try:
            self._budget.spend()
        except InputError as refusal:
            return refusal
        resource, target, deleted = call
        served = self._served.setdefault(call, []) if self._explain else None
        if isinstance(target, ListQuery):
            return self._upstream.list(
                resource,
                target,
                self._caller,
                include=include,
                deleted=deleted,
                deadline=self._budget.deadline,
                served=served,
            )
        return self._upstream.get(
            resource,
            target,
            self._caller,
            include=include,
            deleted=deleted,
            deadline=self._budget.deadline,
            served=served,
        )


def _includes(keys: Sequence[Key]) -> dict[CallId, frozenset[str]]:
    """Each distinct call of `keys`, in order, with the union of their
    includes."""
    includes: dict[CallId, frozenset[str]] = {}
    for key in keys:
        call = key.call
        includes[call] = includes.get(call, frozenset()) | key.include
    return includes


def _started(request: Request) -> asyncio.Future[Any]:
    """`request` running as a task, or its refusal as a failed future."""
    if isinstance(request, Exception):
        return _failed(request)
    task = asyncio.ensure_future(request)
    task.add_done_callback(_note_outcome)
    return task


async def _outcome(request: Request | asyncio.Future[Any]) -> Any:
    """What `request` answers, or the exception it fails with."""
    if isinstance(request, Exception):
        return request
    try:
        return await request
    except Exception as error:  # each call fails on its own
        return error


def _failed(error: Exception) -> asyncio.Future[Any]:
    refused: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    refused.set_exception(error)
    refused.add_done_callback(_note_outcome)
    return refused


def _note_outcome(call: asyncio.Future[Any]) -> None:
    # Every field awaiting a call may have been cancelled (its parent nulled);
    # reading the outcome here keeps asyncio from logging it as never retrieved.
    if not call.cancelled():
        call.exception()
