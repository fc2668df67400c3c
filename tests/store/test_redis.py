"""The Redis backend against a real redis-server: the same contract, shared
by clients, atomic under concurrency, and degrading when Redis is gone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.redis_server import RedisServer
from wethod_graphql.errors import StoreUnavailable
from wethod_graphql.store.base import Bucket
from wethod_graphql.store.redisstore import RedisStore

#: So slow that no token comes back while a test runs.
SLOW = 0.001
#: Generous: the machine running the tests may be busy; only the outage
#: tests rely on a command failing.
TIMEOUT = 5.0


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[RedisStore]:
    store = RedisStore(redis_server.url, timeout=TIMEOUT)
    yield store
    await store.close()


async def test_values_round_trip_and_expire(redis: RedisStore) -> None:
    await redis.set("a", b"\x00bytes", ttl=60)
    assert await redis.get("a") == b"\x00bytes"
    assert await redis.get("missing") is None
    await redis.set("short", b"1", ttl=0.05)
    await asyncio.sleep(0.2)  # a lower bound: expired by now
    assert await redis.get("short") is None


async def test_keys_live_under_the_prefix(redis_server: RedisServer) -> None:
    one = RedisStore(redis_server.url, prefix="one:", timeout=TIMEOUT)
    two = RedisStore(redis_server.url, prefix="two:", timeout=TIMEOUT)
    try:
        await one.set("k", b"1", ttl=60)
        assert await two.get("k") is None
        assert await one.get("k") == b"1"
    finally:
        await one.close()
        await two.close()


async def test_a_bucket_grants_its_capacity_and_says_when_to_retry(
    redis: RedisStore,
) -> None:
    bucket = Bucket(rate=SLOW, capacity=3)
    first = await redis.take("k", bucket, 2)
    assert first.granted == 2
    assert first.retry_after == 0
    second = await redis.take("k", bucket, 2)
    assert second.granted == 1
    assert 900 < second.retry_after <= 1000  # one token at 0.001/s
    assert (await redis.take("k", bucket, 0)).retry_after > 900


async def test_a_bucket_refills_on_the_servers_clock(redis: RedisStore) -> None:
    bucket = Bucket(rate=20, capacity=1)
    assert (await redis.take("k", bucket, 1)).granted == 1
    assert (await redis.take("k", bucket, 1)).granted == 0
    await asyncio.sleep(0.1)  # 2 tokens' worth at 20/s, capped at 1
    assert (await redis.take("k", bucket, 2)).granted == 1


async def test_two_clients_share_one_bucket_atomically(
    redis_server: RedisServer,
) -> None:
    stores = [RedisStore(redis_server.url, timeout=TIMEOUT) for _ in range(2)]
    bucket = Bucket(rate=SLOW, capacity=10)
    try:
        grants = await asyncio.gather(
            *(stores[i % 2].take("shared", bucket, 1) for i in range(40))
        )
    finally:
        for store in stores:
            await store.close()
    assert sum(g.granted for g in grants) == 10


async def test_an_outage_is_store_unavailable_then_a_pause_then_recovery(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    store = RedisStore(redis_server.url, timeout=TIMEOUT, pause=5, clock=clock)
    try:
        await store.set("a", b"1", ttl=60)
        redis_server.stop()
        with pytest.raises(StoreUnavailable):
            await store.get("a")
        redis_server.start()  # back, but the store pauses before trying
        with pytest.raises(StoreUnavailable, match="paused"):
            await store.take("k", Bucket(rate=1, capacity=1), 1)
        assert not await store.ping()
        clock.now += 5
        assert await store.ping()
        assert await store.get("a") is None  # a fresh server: nothing kept
    finally:
        await store.close()
    warnings = [r.getMessage() for r in caplog.records if r.name.endswith("redisstore")]
    assert warnings == [
        "redis failed (ConnectionError); degrading",
        "redis answers again",
    ]


async def test_an_unreachable_redis_fails_fast_as_store_unavailable() -> None:
    from tests.redis_server import free_port

    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0")
    try:
        with pytest.raises(StoreUnavailable):
            await store.set("a", b"1", ttl=1)
    finally:
        await store.close()
