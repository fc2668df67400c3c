"""`open_stores`: in process by default, one Redis client when configured."""

from __future__ import annotations

from starlette.datastructures import Secret

from tests.redis_server import RedisServer
from wethod_graphql.config import Settings
from wethod_graphql.store.memory import MemoryStore
from wethod_graphql.store.redisstore import RedisStore
from wethod_graphql.store.stores import open_stores


async def test_in_process_each_feature_has_its_own_bounded_store() -> None:
    stores = open_stores(Settings())
    assert not stores.shared
    kept = (stores.persisted, stores.cache, stores.limits)
    assert all(isinstance(s, MemoryStore) for s in kept)
    assert len({id(s) for s in kept}) == 3
    await stores.persisted.set("k", b"v", ttl=60)
    assert await stores.cache.get("k") is None
    await stores.close()
    assert await stores.persisted.get("k") is None


async def test_with_redis_one_client_serves_every_feature(
    redis_server: RedisServer,
) -> None:
    stores = open_stores(Settings(redis_url=Secret(redis_server.url), redis_timeout=5))
    assert stores.shared
    assert isinstance(stores.cache, RedisStore)
    assert stores.cache is stores.persisted is stores.limits
    await stores.cache.set("k", b"v", ttl=60)
    assert await stores.persisted.get("k") == b"v"
    await stores.close()
