"""The store seam: what the cache, persisted operations and limits need.

Contract of every backend:
- `get`/`set` keep opaque bytes under a key for at most `ttl` seconds; a
  backend may forget an entry earlier (it is bounded), never keep it longer;
- `take` spends up to `want` tokens of a token bucket atomically, so callers
  on several workers or replicas share one budget without read-then-write
  races;
- a backend that cannot answer quickly raises `StoreUnavailable` (from
  `wethod_graphql.errors`), and nothing else: the features decide how to
  degrade (a miss, or the limits' `on_store_error`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Bucket:
    """A token bucket: refills at `rate` tokens per second up to `capacity`."""

    rate: float
    capacity: float

    @classmethod
    def per_second(cls, rate: float, burst: float) -> Bucket:
        """`rate` per second, with `burst` seconds of it spendable at once.

        At least one token fits, or a slow rate would refuse everything.
        """
        return cls(rate, max(1.0, rate * burst))


@dataclass(frozen=True, slots=True)
class Grant:
    """What `take` gave: `granted` tokens, and when one more will be there.

    `retry_after` is 0 when every wanted token was granted (for `want=0`,
    when a token is there now), else the seconds until one token is.
    """

    granted: int
    retry_after: float


def spend(tokens: float, want: int, bucket: Bucket) -> tuple[float, Grant]:
    """Spend from `tokens` (already refilled); the tokens left and the grant.

    The arithmetic of `take`, kept in one place for the in-process backend
    and mirrored by the Redis backend's script.
    """
    granted = min(want, math.floor(tokens))
    left = tokens - granted
    retry_after = 0.0
    if left < 1 and (granted < want or want == 0):
        retry_after = (1 - left) / bucket.rate
    return left, Grant(granted, retry_after)


class Store(Protocol):
    """Bytes under keys, with a time to live, and token buckets."""

    async def get(self, key: str) -> bytes | None:
        """The value under `key`, or None when absent or expired."""

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        """Keep `value` under `key` for at most `ttl` (> 0) seconds."""

    async def take(self, key: str, bucket: Bucket, want: int) -> Grant:
        """Spend up to `want` whole tokens of the bucket under `key`."""

    async def close(self) -> None:
        """Release connections; the store is not used afterwards."""
