"""The operation's deadline: a call ends by then, wherever it is waiting.

`get(..., deadline=...)` takes the deadline of the operation the call
belongs to (the loop's clock); the call's own limit is the earlier of it and
its budget. Waiting for a concurrency slot or for the answer, it fails with
`UpstreamTimeout`; a wait between attempts that would end past it is not
begun, and the upstream's last answer is reported at once.
"""

from __future__ import annotations

import asyncio

import pytest

from wethod_graphql.demo import DemoApi
from wethod_graphql.errors import UpstreamTimeout, UpstreamUnavailable
from wethod_graphql.upstream.resources import CLIENTS
from wethod_graphql.upstream.retry import RetryPolicy

from .conftest import caller, over_loopback


def soon(seconds: float) -> float:
    return asyncio.get_running_loop().time() + seconds


async def test_the_deadline_ends_a_call_on_the_wire(demo: DemoApi) -> None:
    demo.faults.delay(1, 2.0)
    async with over_loopback(demo, timeout=30.0, read_timeout=30.0) as (
        upstream,
        recorder,
    ):
        with pytest.raises(UpstreamTimeout) as caught:
            await upstream.get(CLIENTS, 1, caller(), deadline=soon(0.2))
        assert caught.value.code == "UPSTREAM_TIMEOUT"
        assert recorder.attempts == 1
        # The slot and the connection were given back: the next call goes.
        assert (await upstream.get(CLIENTS, 2, caller())).id == 2


async def test_the_deadline_ends_a_call_waiting_for_a_slot(demo: DemoApi) -> None:
    demo.faults.delay(1, 2.0)
    async with over_loopback(demo, max_concurrency=1, read_timeout=30.0) as (
        upstream,
        recorder,
    ):
        holder = asyncio.ensure_future(upstream.get(CLIENTS, 1, caller()))
        await recorder.sending.wait()  # the only slot is taken
        with pytest.raises(UpstreamTimeout):
            await upstream.get(CLIENTS, 2, caller(), deadline=soon(0.1))
        holder.cancel()
        with pytest.raises(asyncio.CancelledError):
            await holder
        # Client 2 never left the queue.
        assert [sent.url.path for sent in recorder.requests] == ["/api/clients/1"]
        assert (await upstream.get(CLIENTS, 3, caller())).id == 3


async def test_a_wait_past_the_deadline_is_not_begun(demo: DemoApi) -> None:
    policy = RetryPolicy(
        attempts=3, base_delay=1.0, max_retry_after=5.0, random=lambda: 1.0
    )
    demo.faults.fail(1, 503)
    async with over_loopback(demo, retry=policy) as (upstream, recorder):
        with pytest.raises(UpstreamUnavailable) as caught:
            await upstream.get(CLIENTS, 1, caller(), deadline=soon(0.5))
    assert caught.value.status == 503
    assert recorder.slept == []
    assert [r.status for r in demo.client_requests()] == [503]


async def test_a_deadline_already_past_sends_nothing(demo: DemoApi) -> None:
    async with over_loopback(demo) as (upstream, recorder):
        with pytest.raises(UpstreamTimeout):
            await upstream.get(CLIENTS, 1, caller(), deadline=soon(-1.0))
    assert recorder.attempts == 0
    assert demo.client_requests() == []


async def test_a_later_deadline_leaves_the_budget_in_charge(demo: DemoApi) -> None:
    demo.faults.delay(1, 2.0)
    async with over_loopback(demo, timeout=0.3, read_timeout=30.0) as (
        upstream,
        recorder,
    ):
        with pytest.raises(UpstreamTimeout):
            await upstream.get(CLIENTS, 1, caller(), deadline=soon(60.0))
    assert recorder.attempts == 1
