"""Per-caller budgets: one per credentials and company, refused with a wait."""

from __future__ import annotations

import pytest
from starlette.datastructures import Secret

from tests.conftest import fast_settings
from wethod_graphql.errors import CallerRateLimited, StoreUnavailable
from wethod_graphql.store.base import Bucket, Grant
from wethod_graphql.store.memory import MemoryStore
from wethod_graphql.upstream import Caller
from wethod_graphql.upstream.ratelimit import CallerLimits


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


class BrokenStore(MemoryStore):
    async def take(self, key: str, bucket: Bucket, want: int) -> Grant:
        raise StoreUnavailable("down")


def caller(who: str = "a", company: str = "acme") -> Caller:
    return Caller(Secret(f"Bearer {who}"), company)


def limits(store: MemoryStore | None = None, **settings: object) -> CallerLimits:
    return CallerLimits(
        MemoryStore(max_entries=1, max_bytes=1) if store is None else store,
        fast_settings(**settings),
    )


async def test_off_by_default() -> None:
    off = limits()
    assert not off.enabled
    for _ in range(100):
        await off.admit(caller())
    assert await off.grant_calls(caller(), 1000) == (1000, 0)


async def test_requests_past_the_burst_are_refused_with_a_retry_after() -> None:
    clock = Clock()
    on = limits(
        MemoryStore(max_entries=1, max_bytes=1, clock=clock),
        rate_limit_requests=2,
        rate_limit_burst=1.5,
    )
    for _ in range(3):
        await on.admit(caller())
    with pytest.raises(CallerRateLimited) as refused:
        await on.admit(caller())
    assert refused.value.limit == "requests"
    assert refused.value.retry_after == 1  # 0.5 s, in whole seconds
    assert "per-caller limit, not the Wethod API's" in refused.value.message
    await on.admit(caller("b"))  # another token: its own bucket
    await on.admit(caller("a", "globex"))  # another company: its own bucket
    clock.now += 0.5
    await on.admit(caller())


async def test_upstream_calls_are_granted_in_part_then_refused_at_admission() -> None:
    on = limits(rate_limit_upstream_calls=5, rate_limit_burst=2)
    assert await on.grant_calls(caller(), 8) == (8, 0)
    assert await on.grant_calls(caller(), 5) == (2, 1)  # 0.2 s, in whole seconds
    with pytest.raises(CallerRateLimited) as refused:
        await on.admit(caller())
    assert refused.value.limit == "upstreamCalls"


async def test_a_store_failure_allows_by_default() -> None:
    on = limits(
        BrokenStore(max_entries=1, max_bytes=1),
        rate_limit_requests=1,
        rate_limit_upstream_calls=1,
    )
    for _ in range(5):
        await on.admit(caller())
    assert await on.grant_calls(caller(), 3) == (3, 0)


async def test_a_store_failure_denies_when_told() -> None:
    on = limits(
        BrokenStore(max_entries=1, max_bytes=1),
        rate_limit_requests=1,
        rate_limit_upstream_calls=1,
        rate_limit_on_store_error="deny",
    )
    with pytest.raises(CallerRateLimited):
        await on.admit(caller())
    assert await on.grant_calls(caller(), 3) == (0, 1)
