"""The in-process store: TTLs, bounds by count and bytes, token buckets."""

from __future__ import annotations

import pytest

from wethod_graphql.store.base import Bucket, Grant
from wethod_graphql.store.memory import MemoryStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def store(clock: Clock, **bounds: int) -> MemoryStore:
    return MemoryStore(
        max_entries=bounds.get("max_entries", 10),
        max_bytes=bounds.get("max_bytes", 1000),
        max_buckets=bounds.get("max_buckets", 10),
        clock=clock,
    )


async def test_a_value_lives_for_its_ttl(clock: Clock) -> None:
    kept = store(clock)
    await kept.set("a", b"1", ttl=5)
    clock.now += 4.9
    assert await kept.get("a") == b"1"
    clock.now += 0.1
    assert await kept.get("a") is None
    assert len(kept) == 0
    assert kept.bytes == 0


async def test_least_recently_used_go_first_past_the_count(clock: Clock) -> None:
    kept = store(clock, max_entries=2)
    await kept.set("a", b"1", ttl=60)
    await kept.set("b", b"2", ttl=60)
    assert await kept.get("a") == b"1"  # now "b" is the least recent
    await kept.set("c", b"3", ttl=60)
    assert await kept.get("b") is None
    assert await kept.get("a") == b"1"
    assert await kept.get("c") == b"3"


async def test_bytes_are_bounded_and_a_replaced_value_counts_once(
    clock: Clock,
) -> None:
    kept = store(clock, max_bytes=10)
    await kept.set("a", b"12345", ttl=60)
    await kept.set("a", b"1234", ttl=60)
    assert kept.bytes == 4
    await kept.set("b", b"123456", ttl=60)
    assert kept.bytes == 10
    await kept.set("c", b"1", ttl=60)
    assert await kept.get("a") is None
    assert kept.bytes == 7
    await kept.set("huge", b"x" * 11, ttl=60)  # never fits: not kept, nothing lost
    assert await kept.get("huge") is None
    assert await kept.get("b") == b"123456"


async def test_a_bucket_grants_its_burst_then_refills_at_its_rate(
    clock: Clock,
) -> None:
    kept = store(clock)
    bucket = Bucket.per_second(rate=2, burst=2)  # 4 tokens, 2 a second
    assert await kept.take("k", bucket, 3) == Grant(3, 0.0)
    assert await kept.take("k", bucket, 3) == Grant(1, 0.5)
    assert await kept.take("k", bucket, 1) == Grant(0, 0.5)
    clock.now += 0.5
    assert await kept.take("k", bucket, 1) == Grant(1, 0.0)
    clock.now += 100
    assert await kept.take("k", bucket, 10) == Grant(4, 0.5)  # capped at capacity


async def test_want_zero_only_tells_whether_a_token_is_there(clock: Clock) -> None:
    kept = store(clock)
    bucket = Bucket.per_second(rate=1, burst=1)
    assert await kept.take("k", bucket, 0) == Grant(0, 0.0)
    assert await kept.take("k", bucket, 1) == Grant(1, 0.0)
    assert await kept.take("k", bucket, 0) == Grant(0, 1.0)


async def test_a_slow_rate_still_holds_one_token() -> None:
    assert Bucket.per_second(rate=0.1, burst=2).capacity == 1.0


async def test_buckets_are_bounded_and_a_forgotten_one_starts_full(
    clock: Clock,
) -> None:
    kept = store(clock, max_buckets=2)
    bucket = Bucket.per_second(rate=1, burst=1)
    for key in ("a", "b", "c"):
        assert (await kept.take(key, bucket, 1)).granted == 1
    assert (await kept.take("c", bucket, 1)).granted == 0
    assert (await kept.take("a", bucket, 1)).granted == 1  # "a" was forgotten


async def test_close_forgets_everything(clock: Clock) -> None:
    kept = store(clock)
    await kept.set("a", b"1", ttl=60)
    await kept.close()
    assert await kept.get("a") is None
