"""The Redis backend: one store for every worker and replica.

Every command is bounded by `timeout` (connect, read and a whole-call
deadline), is never retried, and any failure becomes `StoreUnavailable`.
After a failure the backend answers `StoreUnavailable` at once for `pause`
seconds instead of making each request wait for Redis to time out again;
the first command after the pause tries Redis anew.

Keys live under `prefix`. Token buckets are a Lua script run atomically on
the server, timed by the server's clock, so replicas share one budget and
one notion of time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from wethod_graphql.errors import StoreUnavailable
from wethod_graphql.store.base import Bucket, Grant

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: KEYS[1] the bucket; ARGV rate, capacity, want. The arithmetic of
#: `store.base.spend`, on the server's clock. Floats go back as strings:
#: Redis would truncate Lua numbers to integers.
TAKE_SCRIPT = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local granted = math.min(want, math.floor(tokens))
local left = tokens - granted
local retry = 0
if left < 1 and (granted < want or want == 0) then
  retry = (1 - left) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(left), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return {granted, tostring(retry)}
"""


class RedisStore:
    """A `Store` in Redis, over a bounded pool of connections."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "wethod-graphql:",
        timeout: float = 0.25,
        pause: float = 1.0,
        max_connections: int = 64,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=timeout,  # waiting for a free connection
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )
        self._redis = Redis.from_pool(pool)  # closes the pool with the client
        self._take = self._redis.register_script(TAKE_SCRIPT)
        self._prefix = prefix
        self._timeout = timeout
        self._pause = pause
        self._clock = clock
        self._down_until = -1.0
        self._failing = False

    async def get(self, key: str) -> bytes | None:
        value = await self._call(lambda: self._redis.get(self._prefix + key))
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        milliseconds = max(1, round(ttl * 1000))
        await self._call(
            lambda: self._redis.set(self._prefix + key, value, px=milliseconds)
        )

    async def take(self, key: str, bucket: Bucket, want: int) -> Grant:
        args: list[str | int] = [repr(bucket.rate), repr(bucket.capacity), want]
        reply = await self._call(
            lambda: self._take(keys=[self._prefix + key], args=args)
        )
        granted, retry_after = reply
        return Grant(int(granted), float(retry_after))

    async def ping(self) -> bool:
        """Whether Redis answers now (for start-up and health checks)."""
        try:
            await self._call(self._redis.ping)
        except StoreUnavailable:
            return False
        return True

    async def close(self) -> None:
        await self._redis.aclose()

    async def _call(self, command: Callable[[], Awaitable[T]]) -> T:
        if self._clock() < self._down_until:
            raise StoreUnavailable("Redis is paused after a failure.")
        try:
            async with asyncio.timeout(self._timeout):
                result = await command()
        except (RedisError, OSError, TimeoutError) as error:
            if not self._failing:
                # One line per outage, not one per request.
                logger.warning("redis failed (%s); degrading", type(error).__name__)
            self._failing = True
            self._down_until = self._clock() + self._pause
            raise StoreUnavailable("Redis did not answer.") from error
        if self._failing:
            logger.warning("redis answers again")
            self._failing = False
        return result
