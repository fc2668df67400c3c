"""A slow upstream over a real socket: the call ends within its budget.

The budget (`timeout`) covers every attempt and every wait between them; the
per-attempt read timeout is smaller, so a slow upstream is tried again while
the budget lasts. Either way the caller gets `UpstreamTimeout`, on time.
"""

from __future__ import annotations

import time

import pytest

from tests.conftest import fast_settings, upstream_client
from wethod_graphql.demo import DemoApi
from wethod_graphql.errors import UpstreamTimeout

from .conftest import caller

MARGIN = 0.5  # a shared 2-core machine; the budgets are what is tested


async def test_a_slow_upstream_hits_the_budget_across_retries(
    demo: DemoApi, loopback: str
) -> None:
    demo.faults.delay(1, 2.0)
    settings = fast_settings(base_url=loopback, timeout=0.5, read_timeout=0.2)
    async with upstream_client(settings) as upstream:
        started = time.monotonic()
        with pytest.raises(UpstreamTimeout) as caught:
            await upstream.get_client(1, caller())
        elapsed = time.monotonic() - started
        # Not the first read timeout (0.2 s): the budget was spent retrying.
        assert 0.4 <= elapsed < settings.timeout + MARGIN
        assert caught.value.status is None
        assert caught.value.code == "UPSTREAM_TIMEOUT"
        # Other ids are not slow: the same client still answers at once.
        record = await upstream.get_client(2, caller())
    assert record.id == 2


async def test_the_budget_ends_a_single_long_read(demo: DemoApi, loopback: str) -> None:
    demo.faults.delay(1, 2.0)
    settings = fast_settings(base_url=loopback, timeout=0.4, read_timeout=5.0)
    async with upstream_client(settings) as upstream:
        started = time.monotonic()
        with pytest.raises(UpstreamTimeout):
            await upstream.get_client(1, caller())
        elapsed = time.monotonic() - started
    assert 0.35 <= elapsed < settings.timeout + MARGIN


async def test_a_read_timeout_without_retries_is_a_timeout(
    demo: DemoApi, loopback: str
) -> None:
    demo.faults.delay(1, 2.0)
    settings = fast_settings(
        base_url=loopback, timeout=2.0, read_timeout=0.2, retries=1
    )
    async with upstream_client(settings) as upstream:
        started = time.monotonic()
        with pytest.raises(UpstreamTimeout):
            await upstream.get_client(1, caller())
        elapsed = time.monotonic() - started
    # The attempt's own read timeout, well before the budget.
    assert 0.15 <= elapsed < 0.2 + MARGIN


async def test_a_slow_but_timely_upstream_answers(demo: DemoApi, loopback: str) -> None:
    demo.faults.delay(1, 0.1)
    settings = fast_settings(base_url=loopback, timeout=1.0, read_timeout=0.5)
    async with upstream_client(settings) as upstream:
        record = await upstream.get_client(1, caller())
    assert record.id == 1
    assert [r.status for r in demo.client_requests()] == [200]
