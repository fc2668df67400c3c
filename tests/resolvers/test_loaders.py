"""`ClientLoader` against the demo API: batching, merging, isolation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.conftest import DEMO_HEADERS, demo_client, fast_settings
from wethod_graphql.demo import DemoApi
from wethod_graphql.errors import NotFound
from wethod_graphql.resolvers.loaders import ClientKey, ClientLoader
from wethod_graphql.upstream import (
    Caller,
    DeletionFilter,
)

EXT = frozenset({"externalIdentifiers"})


@pytest.fixture
async def loader(demo: DemoApi) -> AsyncIterator[ClientLoader]:
    async with demo_client(demo, fast_settings()) as upstream:
        yield ClientLoader(
            upstream,
            Caller.from_headers(DEMO_HEADERS),
            max_calls=100,
        )


async def test_keys_of_one_client_merge_into_one_call_with_the_union(
    loader: ClientLoader, demo: DemoApi
) -> None:
    plain, rich = await asyncio.gather(
        loader.load(ClientKey(1)), loader.load(ClientKey(1, include=EXT))
    )
    assert plain.id == rich.id == 1
    assert rich.external_identifiers is not None
    assert [r.query for r in demo.client_requests()] == [
        {"deleted": "exclude", "include": "externalIdentifiers"}
    ]


async def test_one_failure_fails_only_its_key(
    loader: ClientLoader, demo: DemoApi
) -> None:
    found, missing = await asyncio.gather(
        loader.load(ClientKey(2)),
        loader.load(ClientKey(9999)),
        return_exceptions=True,
    )
    assert not isinstance(found, BaseException)
    assert found.id == 2
    assert isinstance(missing, NotFound)


async def test_filters_are_separate_calls(loader: ClientLoader, demo: DemoApi) -> None:
    excluded, included = await asyncio.gather(
        loader.load(ClientKey(7)),
        loader.load(ClientKey(7, DeletionFilter.INCLUDE)),
        return_exceptions=True,
    )
    assert isinstance(excluded, NotFound)
    assert not isinstance(included, BaseException)
    assert included.deleted_at is not None


@pytest.mark.parametrize(
    "cancel_after", [0, 0.01], ids=["before the batch", "while the call runs"]
)
async def test_cancelling_one_awaiter_leaves_the_shared_load_alone(
    loader: ClientLoader, demo: DemoApi, cancel_after: float
) -> None:
    """graphql-core cancels fields whose parent was nulled (PITFALLS 1).

    Another field awaiting the same key must still get its client: without
    the shield it would get `CancelledError` and the server would answer 500.
    """
    demo.faults.delay(None, 0.05)
    cancelled = asyncio.create_task(loader.load(ClientKey(1)))
    survivor = asyncio.create_task(loader.load(ClientKey(1)))
    await asyncio.sleep(cancel_after)
    cancelled.cancel()
    record = await survivor
    assert record.id == 1
    assert cancelled.cancelled()
