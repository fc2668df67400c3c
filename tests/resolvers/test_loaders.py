"""`ResourceLoader` against the demo API: batching, merging, isolation, budget."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import DEMO_HEADERS, demo_client, fast_settings
from wethod_graphql.demo import DemoApi
from wethod_graphql.errors import InputError, NotFound
from wethod_graphql.resolvers.budget import CallBudget
from wethod_graphql.resolvers.loaders import Key, ResourceLoader
from wethod_graphql.upstream import (
    Caller,
    Deleted,
)
from wethod_graphql.upstream.listing import ListQuery
from wethod_graphql.upstream.resources import CLIENTS

EXT = frozenset({"externalIdentifiers"})


@pytest.fixture
async def loader(demo: DemoApi) -> AsyncIterator[ResourceLoader]:
    async with demo_client(demo, fast_settings()) as upstream:
        yield ResourceLoader(
            upstream,
            Caller.from_headers(DEMO_HEADERS),
            CallBudget(100),
        )


async def test_keys_of_one_client_merge_into_one_call_with_the_union(
    loader: ResourceLoader, demo: DemoApi
) -> None:
    plain, rich = await asyncio.gather(
        loader.load(Key(CLIENTS, 1)), loader.load(Key(CLIENTS, 1, include=EXT))
    )
    assert plain.id == rich.id == 1
    assert rich.external_identifiers is not None
    assert [r.query for r in demo.client_requests()] == [
        {"deleted": "exclude", "include": "externalIdentifiers"}
    ]


async def test_one_failure_fails_only_its_key(
    loader: ResourceLoader, demo: DemoApi
) -> None:
    outcomes: tuple[Any, ...] = await asyncio.gather(
        loader.load(Key(CLIENTS, 2)),
        loader.load(Key(CLIENTS, 9999)),
        return_exceptions=True,
    )
    found, missing = outcomes
    assert not isinstance(found, BaseException)
    assert found.id == 2
    assert isinstance(missing, NotFound)


async def test_filters_are_separate_calls(
    loader: ResourceLoader, demo: DemoApi
) -> None:
    outcomes: tuple[Any, ...] = await asyncio.gather(
        loader.load(Key(CLIENTS, 7)),
        loader.load(Key(CLIENTS, 7, Deleted.INCLUDE)),
        return_exceptions=True,
    )
    excluded, included = outcomes
    assert isinstance(excluded, NotFound)
    assert not isinstance(included, BaseException)
    assert included.deleted_at is not None


@pytest.mark.parametrize(
    "cancel_after", [0, 0.01], ids=["before the batch", "while the call runs"]
)
async def test_cancelling_one_awaiter_leaves_the_shared_load_alone(
    loader: ResourceLoader, demo: DemoApi, cancel_after: float
) -> None:
    """graphql-core cancels fields whose parent was nulled (PITFALLS 1).

    Another field awaiting the same key must still get its client: without
    the shield it would get `CancelledError` and the server would answer 500.
    """
    demo.faults.delay(None, 0.05)
    cancelled = asyncio.create_task(loader.load(Key(CLIENTS, 1)))
    survivor = asyncio.create_task(loader.load(Key(CLIENTS, 1)))
    await asyncio.sleep(cancel_after)
    cancelled.cancel()
    record = await survivor
    assert record.id == 1
    assert cancelled.cancelled()


async def test_items_and_pages_of_one_batch_are_each_one_call(
    loader: ResourceLoader, demo: DemoApi
) -> None:
    page = Key(CLIENTS, ListQuery(3))
    rows, rich_rows, one = await asyncio.gather(
        loader.load(page),
        loader.load(Key(CLIENTS, ListQuery(3), include=EXT)),
        loader.load(Key(CLIENTS, 1)),
    )
    assert [r.id for r in rows] == [r.id for r in rich_rows] == [1, 2, 3]
    assert rows[0].external_identifiers is not None  # one call, the union
    assert one.id == 1
    [listing] = demo.requests_to("/api/clients", items=False)
    assert listing.query == {
        "limit": "3",
        "offset": "0",
        "deleted": "exclude",
        "include": "externalIdentifiers",
    }
    assert len(demo.client_requests()) == 1


async def test_every_call_spends_from_one_budget(demo: DemoApi) -> None:
    async with demo_client(demo, fast_settings()) as upstream:
        loader = ResourceLoader(
            upstream, Caller.from_headers(DEMO_HEADERS), CallBudget(2)
        )
        outcomes = await asyncio.gather(
            loader.load(Key(CLIENTS, 1)),
            loader.load(Key(CLIENTS, ListQuery(2))),
            loader.load(Key(CLIENTS, 2)),
            return_exceptions=True,
        )
    assert [type(o).__name__ for o in outcomes[:2]] != ["InputError"] * 2
    assert isinstance(outcomes[2], InputError)
    assert len(demo.requests) == 2


async def test_load_all_of_one_call_answers_every_key_of_it(
    loader: ResourceLoader, demo: DemoApi
) -> None:
    keys = [Key(CLIENTS, 3), Key(CLIENTS, 3, include=EXT)]
    answers = await loader.load_all(keys)
    assert {answer.id for answer in answers.values()} == {3}
    assert answers[keys[0]] is answers[keys[1]]
    assert len(demo.client_requests()) == 1


async def test_load_all_of_one_failing_call_answers_its_error(
    loader: ResourceLoader,
) -> None:
    key = Key(CLIENTS, 9999)
    answers = await loader.load_all([key])
    assert isinstance(answers[key], NotFound)


async def test_load_all_past_the_budget_answers_the_refusal(demo: DemoApi) -> None:
    async with demo_client(demo, fast_settings()) as upstream:
        loader = ResourceLoader(
            upstream, Caller.from_headers(DEMO_HEADERS), CallBudget(0)
        )
        key = Key(CLIENTS, 1)
        answers = await loader.load_all([key])
    assert isinstance(answers[key], InputError)
    assert demo.client_requests() == []
