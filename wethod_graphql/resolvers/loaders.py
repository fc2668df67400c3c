"""Per-request DataLoaders that batch REST calls.

One operation may ask for the same client many times: through aliases,
fragments, `clients(ids:)` or federation `_entities`, with and without its
relations. All the keys collected in one tick become one batch, and the batch
makes one REST call per (client, deletion filter) carrying the union of the
includes its keys need, all calls at once. A failed call fails its keys alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiodataloader import DataLoader

from wethod_graphql.errors import InputError
from wethod_graphql.upstream import Caller, ClientRecord, DeletionFilter, UpstreamClient


@dataclass(frozen=True, slots=True)
class ClientKey:
    """Everything that changes the answer, so a cached value is never wrong.

    A record fetched without `externalIdentifiers` must not be served to a
    selection that needs them, hence `include` belongs to the key.
    """

    id: int
    deleted: DeletionFilter = DeletionFilter.EXCLUDE
    include: frozenset[str] = frozenset()


class ClientLoader:
    """Loads clients for one request and one caller; never shared between them.

    The batch function starts one upstream call per (client, filter) and
    hands each key the task of its call, so a key resolves as soon as its own
    answer is in: GraphQL completes the first clients while the last are
    still on the wire, instead of waiting for the slowest of the batch.
    """

    def __init__(
        self,
        upstream: UpstreamClient,
        caller: Caller,
        max_calls: int,
        deadline: float | None = None,
    ) -> None:
        self._upstream = upstream
        self._caller = caller
        # The operation's deadline (loop time): every call it makes ends by then.
        self._deadline = deadline
        self._calls_left = max_calls
        self._max_calls = max_calls
        # aiodataloader binds the running loop here: build it inside a request.
        self._loader: DataLoader[ClientKey, asyncio.Future[ClientRecord]] = DataLoader(
            # No batch size: a split batch could fetch one client twice, once
            # per include set. `max_calls` and the upstream's concurrency cap
            # bound the work instead.
            batch_load_fn=self._load_batch
        )

    async def load(self, key: ClientKey) -> ClientRecord:
        """The client for `key`, or the `WethodGraphQLError` for it.

        Both awaits are shielded: graphql-core cancels a sibling field when a
        non-null error nulls their parent, and cancelling a future or task
        that other fields await would turn their results into an HTTP 500.
        """
        call = await asyncio.shield(self._loader.load(key))
        return await asyncio.shield(call)

    async def load_all(
        self, keys: Sequence[ClientKey]
    ) -> dict[ClientKey, ClientRecord | Exception]:
        """Each key's client or its `WethodGraphQLError`, all in one batch.

        For execution plans, which know every key before loading any: the
        keys go to the batch in the order given (the call budget refuses the
        last ones first), and the answer comes once every call is done.
        """
        pending = [self._loader.load(key) for key in keys]
        # One batch resolves every key's future at once: awaiting them in turn
        # costs less than gathering them.
        calls = [await future for future in pending]
        results: dict[ClientKey, ClientRecord | Exception] = {}
        for key, call in zip(keys, calls, strict=True):
            try:
                results[key] = await call
            except Exception as error:  # each key fails on its own
                results[key] = error
        return results

    async def _load_batch(
        self, keys: list[ClientKey]
    ) -> list[asyncio.Future[ClientRecord]]:
        includes: dict[tuple[int, DeletionFilter], frozenset[str]] = {}
        for key in keys:
            group = (key.id, key.deleted)
            includes[group] = includes.get(group, frozenset()) | key.include
        calls = {
            (client_id, deleted): self._call(client_id, deleted, include)
            for (client_id, deleted), include in includes.items()
        }
        return [calls[key.id, key.deleted] for key in keys]

    def _call(
        self, client_id: int, deleted: DeletionFilter, include: frozenset[str]
    ) -> asyncio.Future[ClientRecord]:
        """The upstream call for one client, or its refusal past the budget.

        One request may make at most `max_calls` upstream calls: without a
        bound, 100 aliases of 100 ids each would queue 10,000 calls ahead of
        every other caller's on the process-wide concurrency cap.
        """
        if self._calls_left <= 0:
            refused: asyncio.Future[ClientRecord] = (
                asyncio.get_running_loop().create_future()
            )
            refused.set_exception(
                InputError(
                    f"The operation needs more than {self._max_calls} upstream "
                    "calls; split it."
                )
            )
            return refused
        self._calls_left -= 1
        call = asyncio.ensure_future(
            self._upstream.get_client(
                client_id,
                self._caller,
                include=include,
                deleted=deleted,
                deadline=self._deadline,
            )
        )
        call.add_done_callback(_retrieve)
        return call


def _retrieve(call: asyncio.Future[ClientRecord]) -> None:
    # Every field awaiting a call may have been cancelled (its parent nulled);
    # reading the outcome here keeps asyncio from logging it as lost.
    if not call.cancelled():
        call.exception()
