"""Per-request DataLoaders that batch REST calls.

One operation may ask for the same client many times: through aliases,
fragments, `clients(ids:)` or federation `_entities`, with and without its
relations. All the keys collected in one tick become one batch, and the batch
makes one REST call per (client, deletion filter) carrying the union of the
includes its keys need, all calls at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar, cast

from aiodataloader import DataLoader

from wethod_graphql.upstream import Caller, ClientRecord, DeletionFilter, UpstreamClient

K = TypeVar("K")
V = TypeVar("V")
BatchLoadFn: TypeAlias = Callable[[list[K]], Coroutine[Any, Any, list[V]]]


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
    """Loads clients for one request and one caller; never shared between them."""

    def __init__(
        self, upstream: UpstreamClient, caller: Caller, max_batch_size: int
    ) -> None:
        self._upstream = upstream
        self._caller = caller
        # aiodataloader binds the running loop here: build it inside a request.
        # The batch function may return an exception in place of a value (it
        # then fails that key alone); aiodataloader's hints do not say so.
        batch = cast("BatchLoadFn[ClientKey, ClientRecord]", self._load_batch)
        self._loader = DataLoader(batch_load_fn=batch, max_batch_size=max_batch_size)
        self.batches: list[int] = []  # sizes of the batches dispatched, for tests

    async def load(self, key: ClientKey) -> ClientRecord:
        """The client for `key`, or the `WethodGraphQLError` for it.

        The shared future is shielded: graphql-core cancels a sibling field
        when a non-null error nulls their parent, and cancelling a future that
        other fields await would turn their results into an HTTP 500.
        """
        return await asyncio.shield(self._loader.load(key))

    async def _load_batch(
        self, keys: Sequence[ClientKey]
    ) -> list[ClientRecord | BaseException]:
        self.batches.append(len(keys))
        includes: dict[tuple[int, DeletionFilter], frozenset[str]] = {}
        for key in keys:
            group = (key.id, key.deleted)
            includes[group] = includes.get(group, frozenset()) | key.include
        results = await asyncio.gather(
            *(
                self._upstream.get_client(
                    client_id, self._caller, include=include, deleted=deleted
                )
                for (client_id, deleted), include in includes.items()
            ),
            return_exceptions=True,
        )
        by_group = dict(zip(includes, results, strict=True))
        # An exception in place of a value fails that key alone.
        return [by_group[key.id, key.deleted] for key in keys]
