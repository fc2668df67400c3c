"""Which failures are tried again, how often, and after how long.

Policy under test (client.py, retry.py): idempotent GETs are retried on
connection errors, 502, 503, 504 and 429, at most `retries` attempts in all,
with full-jitter exponential backoff; `Retry-After` replaces the backoff up
to `retry_after_max`, and no wait may run past the call's budget. A 500 and
every other 4xx are answered at once. The waits are the client's injected
`sleep` (the `Recorder` notes them), so no test depends on the machine's speed.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest

from wethod_graphql.demo import DemoApi
from wethod_graphql.errors import RateLimited, UpstreamUnavailable
from wethod_graphql.upstream.resources import CLIENTS
from wethod_graphql.upstream.retry import RetryPolicy

from .conftest import caller, over_loopback, recorded


async def test_503_twice_then_200_gives_the_data_after_exactly_3_calls(
    demo: DemoApi,
) -> None:
    demo.faults.fail(1, 503, times=2)
    async with over_loopback(demo) as (upstream, recorder):
        record = await upstream.get(CLIENTS, 1, caller())
    assert record.corporate_name == "Rossi Arredamenti S.r.l."
    assert [r.status for r in demo.client_requests()] == [503, 503, 200]
    assert len(recorder.requests) == 3
    assert len(recorder.slept) == 2


async def test_502_then_504_then_200(demo: DemoApi) -> None:
    demo.faults.fail(3, 502)
    demo.faults.fail(3, 504)
    async with over_loopback(demo) as (upstream, _):
        record = await upstream.get(CLIENTS, 3, caller())
    assert record.id == 3
    assert [r.status for r in demo.client_requests()] == [502, 504, 200]


async def test_one_retry_is_all_when_retries_is_2(demo: DemoApi) -> None:
    demo.faults.fail(1, 503, times=2)
    async with over_loopback(demo, retries=2) as (upstream, _):
        with pytest.raises(UpstreamUnavailable):
            await upstream.get(CLIENTS, 1, caller())
    assert [r.status for r in demo.client_requests()] == [503, 503]


async def test_retries_1_means_no_retry(demo: DemoApi) -> None:
    demo.faults.fail(1, 429)
    async with over_loopback(demo, retries=1) as (upstream, _):
        with pytest.raises(RateLimited):
            await upstream.get(CLIENTS, 1, caller())
    assert len(demo.client_requests()) == 1


async def test_429_then_200_gives_the_data(demo: DemoApi) -> None:
    demo.faults.fail(2, 429)
    async with over_loopback(demo) as (upstream, _):
        record = await upstream.get(CLIENTS, 2, caller())
    assert record.id == 2
    assert [r.status for r in demo.client_requests()] == [429, 200]


async def test_retry_after_is_honoured(demo: DemoApi) -> None:
    demo.faults.fail(1, 429, retry_after=1)
    async with over_loopback(demo) as (upstream, recorder):
        record = await upstream.get(CLIENTS, 1, caller())
    assert record.id == 1
    assert [r.status for r in demo.client_requests()] == [429, 200]
    # One second: not the millisecond backoff of the test settings.
    assert recorder.slept == [1.0]


async def test_a_retry_after_beyond_the_cap_is_not_waited_for(demo: DemoApi) -> None:
    demo.faults.fail(1, 429, times=3, retry_after=30)
    async with over_loopback(demo, retry_after_max=2.0) as (upstream, recorder):
        with pytest.raises(RateLimited) as caught:
            await upstream.get(CLIENTS, 1, caller())
    assert caught.value.retry_after == 30.0
    assert (caught.value.status, caught.value.key) == (429, "too_many_requests")
    assert len(demo.client_requests()) == 1
    assert recorder.slept == []


async def test_a_retry_after_as_an_http_date_beyond_the_cap(demo: DemoApi) -> None:
    when = datetime.now(UTC) + timedelta(seconds=120)
    demo.faults.fail(1, 429, times=3, retry_after=format_datetime(when, usegmt=True))
    async with over_loopback(demo, retry_after_max=5.0) as (upstream, _):
        with pytest.raises(RateLimited) as caught:
            await upstream.get(CLIENTS, 1, caller())
    assert caught.value.retry_after is not None
    assert 110 <= caught.value.retry_after <= 120
    assert len(demo.client_requests()) == 1


async def test_a_retry_after_past_the_budget_is_reported_at_once(
    demo: DemoApi,
) -> None:
    # Within the cap, but the call's budget (1 s) ends before it: waiting
    # would only turn the upstream's clear answer into a timeout.
    demo.faults.fail(1, 429, times=3, retry_after=3)
    async with over_loopback(demo, timeout=1.0, retry_after_max=5.0) as (
        upstream,
        recorder,
    ):
        with pytest.raises(RateLimited) as caught:
            await upstream.get(CLIENTS, 1, caller())
    assert caught.value.retry_after == 3.0
    assert len(demo.client_requests()) == 1
    assert recorder.slept == []


async def test_retry_after_on_the_last_attempt_is_kept(demo: DemoApi) -> None:
    demo.faults.fail(1, 429, times=3, retry_after=0)
    async with over_loopback(demo) as (upstream, recorder):
        with pytest.raises(RateLimited) as caught:
            await upstream.get(CLIENTS, 1, caller())
    assert caught.value.retry_after == 0.0
    assert len(demo.client_requests()) == 3
    assert recorder.slept == [0.0, 0.0]


async def test_backoff_is_exponential(demo: DemoApi) -> None:
    # The jitter draw pinned to its top: delays are exactly the ceilings.
    policy = RetryPolicy(
        attempts=3, base_delay=0.1, max_retry_after=5.0, random=lambda: 1.0
    )
    demo.faults.fail(1, 503, times=2)
    async with over_loopback(demo, retry=policy) as (upstream, recorder):
        await upstream.get(CLIENTS, 1, caller())
    assert recorder.slept == [0.1, 0.2]
    assert [r.status for r in demo.client_requests()] == [503, 503, 200]


async def test_no_backoff_runs_past_the_budget(demo: DemoApi) -> None:
    policy = RetryPolicy(
        attempts=3, base_delay=1.0, max_retry_after=5.0, random=lambda: 1.0
    )
    demo.faults.fail(1, 503, times=3)
    async with over_loopback(demo, retry=policy, timeout=0.5) as (upstream, recorder):
        with pytest.raises(UpstreamUnavailable) as caught:
            await upstream.get(CLIENTS, 1, caller())
    assert caught.value.status == 503
    assert len(demo.client_requests()) == 1
    # The first wait (1 s) would end past the budget (0.5 s): none is taken.
    assert recorder.slept == []


def _refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_a_refused_connection_is_retried_then_unavailable() -> None:
    # A budget far beyond the connect timeout: a refusal that hung instead of
    # failing at once would end as UPSTREAM_TIMEOUT, not UPSTREAM_UNAVAILABLE.
    base_url = f"http://127.0.0.1:{_refused_port()}"
    async with recorded(base_url, timeout=60.0) as (upstream, recorder):
        with pytest.raises(UpstreamUnavailable) as caught:
            await upstream.get(CLIENTS, 1, caller())
    assert recorder.attempts == 3
    assert recorder.requests == []  # nothing was ever sent
    assert (caught.value.status, caught.value.key) == (None, None)
    assert caught.value.code == "UPSTREAM_UNAVAILABLE"
    # aiohttp's exception stays behind the boundary's own.
    assert isinstance(caught.value.__cause__, aiohttp.ClientConnectorError)


async def test_a_dropped_connection_is_unavailable_after_every_attempt(
    demo: DemoApi,
) -> None:
    demo.faults.drop(1, times=3)
    async with over_loopback(demo) as (upstream, _):
        with pytest.raises(UpstreamUnavailable) as caught:
            await upstream.get(CLIENTS, 1, caller())
    assert caught.value.status is None
    # The demo logs a dropped request with status 0: no response at all.
    assert [r.status for r in demo.client_requests()] == [0, 0, 0]


async def test_a_dropped_connection_once_then_ok_succeeds_on_retry(
    demo: DemoApi,
) -> None:
    demo.faults.drop(1)
    async with over_loopback(demo) as (upstream, _):
        record = await upstream.get(CLIENTS, 1, caller())
        # The pool recovers: the next call goes through at the first attempt.
        again = await upstream.get(CLIENTS, 2, caller())
    assert record.corporate_name == "Rossi Arredamenti S.r.l."
    assert again.id == 2
    assert [(r.client_id, r.status) for r in demo.client_requests()] == [
        (1, 0),
        (1, 200),
        (2, 200),
    ]


async def test_a_drop_on_a_kept_alive_connection_is_not_resent_behind_our_back(
    demo: DemoApi,
) -> None:
    # aiohttp would re-send an idempotent request once, unasked, when the
    # server drops a connection it had kept alive; with one attempt allowed,
    # exactly one request may reach the upstream, and the call must fail.
    async with over_loopback(demo, retries=1) as (upstream, recorder):
        await upstream.get(CLIENTS, 2, caller())  # leaves a kept-alive connection
        demo.faults.drop(1)
        with pytest.raises(UpstreamUnavailable):
            await upstream.get(CLIENTS, 1, caller())
    assert [(r.client_id, r.status) for r in demo.client_requests()] == [
        (2, 200),
        (1, 0),
    ]
    assert recorder.attempts == 2
