"""The cap on upstream requests in flight holds under many simultaneous calls."""

from __future__ import annotations

import asyncio

from wethod_graphql.demo import DemoApi
from wethod_graphql.upstream import Deleted, UpstreamClient
from wethod_graphql.upstream.resources import CLIENTS

from .conftest import caller, over_loopback

CALLS = 200
CAP = 8


async def _many(upstream: UpstreamClient) -> list[int]:
    ids = [1 + n % 60 for n in range(CALLS)]
    records = await asyncio.gather(
        *(
            upstream.get(CLIENTS, client_id, caller(), deleted=Deleted.INCLUDE)
            for client_id in ids
        )
    )
    assert [record.id for record in records] == ids
    return ids


async def test_the_concurrency_cap_holds_under_200_simultaneous_calls(
    demo: DemoApi,
) -> None:
    demo.faults.delay(None, 0.02)
    async with over_loopback(demo, max_concurrency=CAP) as (upstream, _):
        ids = await _many(upstream)
    requests = demo.client_requests()
    assert sorted(r.client_id or 0 for r in requests) == sorted(ids)
    assert all(r.status == 200 for r in requests)
    # Never above the cap, and the cap is actually used (not one at a time).
    assert demo.max_in_flight == CAP
