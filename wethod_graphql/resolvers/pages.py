"""A per-request DataLoader of list pages (`GET /api/clients`).

Two fields of one operation that ask for the same page (aliases, fragments)
share one call, carrying the union of their includes, as clients do in
`loaders`. Every call spends from the operation's `CallBudget`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiodataloader import DataLoader

from wethod_graphql.errors import InputError
from wethod_graphql.resolvers.budget import CallBudget
from wethod_graphql.upstream import Caller, ClientRecord, UpstreamClient
from wethod_graphql.upstream.listing import ListQuery

Rows = tuple[ClientRecord, ...]


@dataclass(frozen=True, slots=True)
class PageKey:
    """A page and the includes its selection needs."""

    query: ListQuery
    include: frozenset[str] = frozenset()


class PageLoader:
    """Loads list pages for one request and one caller; never shared."""

    def __init__(
        self, upstream: UpstreamClient, caller: Caller, budget: CallBudget
    ) -> None:
        self._upstream = upstream
        self._caller = caller
        self._budget = budget
        # aiodataloader binds the running loop here: build it inside a request.
        self._loader: DataLoader[PageKey, asyncio.Future[Rows]] = DataLoader(
            batch_load_fn=self._load_batch
        )

    async def load(self, key: PageKey) -> Rows:
        """The rows of `key`'s page, or the `WethodGraphQLError` for it.

        Shielded for the reason `ClientLoader.load` gives.
        """
        call = await asyncio.shield(self._loader.load(key))
        return await asyncio.shield(call)

    async def _load_batch(self, keys: list[PageKey]) -> list[asyncio.Future[Rows]]:
        includes: dict[ListQuery, frozenset[str]] = {}
        for key in keys:
            includes[key.query] = includes.get(key.query, frozenset()) | key.include
        calls = {
            query: self._call(query, include) for query, include in includes.items()
        }
        return [calls[key.query] for key in keys]

    def _call(self, query: ListQuery, include: frozenset[str]) -> asyncio.Future[Rows]:
        try:
            self._budget.spend()
        except InputError as refusal:
            refused: asyncio.Future[Rows] = asyncio.get_running_loop().create_future()
            refused.set_exception(refusal)
            return refused
        call = asyncio.ensure_future(
            self._upstream.list_clients(query, self._caller, include=include)
        )
        call.add_done_callback(_note_outcome)
        return call


def _note_outcome(call: asyncio.Future[Rows]) -> None:
    # Reading the outcome keeps asyncio from logging it as never retrieved
    # when every field awaiting it was cancelled.
    if not call.cancelled():
        call.exception()
