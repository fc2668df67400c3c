"""`open_stores(settings)`: the store of each feature, in process or in Redis."""

from __future__ import annotations

from dataclasses import dataclass

from wethod_graphql.config import Settings
from wethod_graphql.store.base import Store
from wethod_graphql.store.memory import MemoryStore

#: In-process bounds. Registered operation texts: at most 16 MiB in all
#: (a request body is at most 1 MiB by default).
PERSISTED_ENTRIES = 10_000
PERSISTED_BYTES = 16 * 1024 * 1024
#: Cached upstream bodies, a few KiB each.
CACHE_ENTRIES = 20_000
CACHE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Stores:
    """One store per feature, so one cannot evict another's entries in process.

    With Redis the three are one client under different key prefixes, and
    Redis's own `maxmemory` policy bounds them.
    """

    persisted: Store
    cache: Store
    limits: Store
    #: Whether every worker and replica sees the same store.
    shared: bool

    async def close(self) -> None:
        for store in {
            id(s): s for s in (self.persisted, self.cache, self.limits)
        }.values():
            await store.close()


def open_stores(settings: Settings, *, max_connections: int = 64) -> Stores:
    """The stores `settings` ask for; Redis connects on first use."""
    if settings.redis_url is not None:
        # Imported only when asked for: the client is a dependency, not a cost.
        from wethod_graphql.store.redisstore import RedisStore

        redis = RedisStore(
            str(settings.redis_url),
            timeout=settings.redis_timeout,
            max_connections=max_connections,
        )
        return Stores(persisted=redis, cache=redis, limits=redis, shared=True)
    return Stores(
        persisted=MemoryStore(max_entries=PERSISTED_ENTRIES, max_bytes=PERSISTED_BYTES),
        cache=MemoryStore(max_entries=CACHE_ENTRIES, max_bytes=CACHE_BYTES),
        limits=MemoryStore(max_entries=1, max_bytes=1),
        shared=False,
    )
