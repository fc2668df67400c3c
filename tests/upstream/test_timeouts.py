"""A slow upstream over a real socket: the call ends within its budget.

The budget (`timeout`) covers every attempt and every wait between them; the
per-attempt read timeout is smaller, so a slow upstream is tried again while
the budget lasts. Either way the caller gets `UpstreamTimeout`. Which limit
ended a call shows in what happened (the answer, the attempts made), never
in an upper bound on elapsed time; lower bounds show nothing ended early.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.conftest import fast_settings, upstream_client
from tests.demo_host import serving
from wethod_graphql.demo import DemoApi
from wethod_graphql.errors import UpstreamTimeout
from wethod_graphql.upstream.resources import CLIENTS

from .conftest import caller, over_loopback


async def test_a_slow_upstream_hits_the_budget_across_retries(demo: DemoApi) -> None:
    demo.faults.delay(1, 2.0)
    # Ten attempts allowed; a 0.5 s budget of 0.2 s reads has room for three.
    async with over_loopback(demo, timeout=0.5, read_timeout=0.2, retries=10) as (
        upstream,
        recorder,
    ):
        started = time.monotonic()
        with pytest.raises(UpstreamTimeout) as caught:
            await upstream.get(CLIENTS, 1, caller())
        elapsed = time.monotonic() - started
        # Not the first read timeout (0.2 s): the budget was spent retrying.
        assert elapsed >= 0.4
        assert 2 <= recorder.attempts <= 3
        assert caught.value.status is None
        assert caught.value.code == "UPSTREAM_TIMEOUT"
        # Other ids are not slow: the same client still answers at once.
        record = await upstream.get(CLIENTS, 2, caller())
    assert record.id == 2


async def test_the_budget_ends_a_single_long_read(demo: DemoApi) -> None:
    # The read timeout (5 s) would wait for the answer (2 s): the budget cannot.
    demo.faults.delay(1, 2.0)
    async with over_loopback(demo, timeout=0.4, read_timeout=5.0) as (
        upstream,
        recorder,
    ):
        started = time.monotonic()
        with pytest.raises(UpstreamTimeout):
            await upstream.get(CLIENTS, 1, caller())
        elapsed = time.monotonic() - started
    assert elapsed >= 0.35
    assert recorder.attempts == 1


async def test_a_read_timeout_without_retries_is_a_timeout(demo: DemoApi) -> None:
    # The budget (30 s) would wait for the answer (3 s): the read timeout cannot.
    demo.faults.delay(1, 3.0)
    async with over_loopback(demo, timeout=30.0, read_timeout=0.2, retries=1) as (
        upstream,
        recorder,
    ):
        started = time.monotonic()
        with pytest.raises(UpstreamTimeout):
            await upstream.get(CLIENTS, 1, caller())
        elapsed = time.monotonic() - started
    assert elapsed >= 0.15
    assert recorder.attempts == 1


async def test_a_slow_but_timely_upstream_answers(demo: DemoApi) -> None:
    demo.faults.delay(1, 0.1)
    async with over_loopback(demo, timeout=1.0, read_timeout=0.5) as (upstream, _):
        record = await upstream.get(CLIENTS, 1, caller())
    assert record.id == 1
    assert [r.status for r in demo.client_requests()] == [200]


async def test_the_read_timeout_counts_from_the_slot_not_the_queue(
    demo: DemoApi,
) -> None:
    # One slot; two calls of 0.6 s before the third, which waits 1.2 s for
    # the slot, longer than its attempt may last (1 s): it still answers.
    demo.faults.delay(1, 0.6)
    async with over_loopback(demo, max_concurrency=1, read_timeout=1.0) as (
        upstream,
        recorder,
    ):
        first = asyncio.ensure_future(upstream.get(CLIENTS, 1, caller()))
        second = asyncio.ensure_future(upstream.get(CLIENTS, 1, caller()))
        await recorder.sending.wait()
        record = await upstream.get(CLIENTS, 2, caller())
        assert [(await first).id, (await second).id] == [1, 1]
    assert record.id == 2
    assert recorder.attempts == 3


async def test_the_wait_between_attempts_is_not_an_attempts_read(
    demo: DemoApi,
) -> None:
    # The upstream asks for a wait (1 s, whole seconds) longer than one
    # attempt may last (0.1 s): the wait is the call's, then answered.
    demo.faults.fail(1, 429, retry_after=1)
    settings = fast_settings(timeout=10.0, read_timeout=0.1, retries=2)
    with serving(demo) as base_url:
        async with upstream_client(
            settings.replace(base_url=base_url), sleep=asyncio.sleep
        ) as upstream:
            record = await upstream.get(CLIENTS, 1, caller())
    assert record.id == 1
    assert [r.status for r in demo.client_requests()] == [429, 200]


async def test_a_queued_call_still_has_its_read_timeout(demo: DemoApi) -> None:
    # Its attempt begins once the slot is free, then the upstream stalls
    # (5 s) past the read timeout (0.5 s): a timeout, not the late answer.
    demo.faults.delay(2, 0.3)
    demo.faults.delay(1, 5.0)
    async with over_loopback(
        demo, max_concurrency=1, read_timeout=0.5, timeout=30.0, retries=1
    ) as (upstream, recorder):
        holder = asyncio.ensure_future(upstream.get(CLIENTS, 2, caller()))
        await recorder.sending.wait()
        with pytest.raises(UpstreamTimeout):
            await upstream.get(CLIENTS, 1, caller())
        assert (await holder).id == 2
    assert recorder.attempts == 2


async def test_each_retried_attempt_has_its_own_read_timeout(demo: DemoApi) -> None:
    # Every attempt stalls (5 s) past the read timeout (0.3 s), the budget
    # (30 s) has room for both: the second attempt times out as the first
    # did, rather than waiting for the late answer.
    demo.faults.delay(1, 5.0)
    async with over_loopback(demo, read_timeout=0.3, timeout=30.0, retries=2) as (
        upstream,
        recorder,
    ):
        with pytest.raises(UpstreamTimeout):
            await upstream.get(CLIENTS, 1, caller())
    assert recorder.attempts == 2
