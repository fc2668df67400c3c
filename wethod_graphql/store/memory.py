"""The in-process backend: bounded maps in this process's memory.

Values are bounded by count and by bytes, least recently used out; buckets
by count (a forgotten bucket starts full again, so the bound only ever errs
towards allowing). Nothing is shared with other workers or replicas. The
store belongs to one event loop and is not thread-safe.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from wethod_graphql.store.base import Bucket, Grant, spend


class MemoryStore:
    """A `Store` in this process, with an injectable monotonic clock."""

    def __init__(
        self,
        *,
        max_entries: int,
        max_bytes: int,
        max_buckets: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._max_buckets = max_buckets
        self._clock = clock
        #: key -> (value, expires at)
        self._values: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._bytes = 0
        #: key -> (tokens, when they were counted)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def get(self, key: str) -> bytes | None:
        entry = self._values.get(key)
        if entry is None:
            return None
        value, expires = entry
        if self._clock() >= expires:
            self._drop(key)
            return None
        self._values.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        if len(value) > self._max_bytes:
            return  # would evict everything and still not fit
        if key in self._values:
            self._drop(key)
        self._values[key] = (value, self._clock() + ttl)
        self._bytes += len(value)
        while len(self._values) > self._max_entries or self._bytes > self._max_bytes:
            self._drop(next(iter(self._values)))

    async def take(self, key: str, bucket: Bucket, want: int) -> Grant:
        now = self._clock()
        tokens, counted = self._buckets.pop(key, (bucket.capacity, now))
        tokens = min(bucket.capacity, tokens + max(0.0, now - counted) * bucket.rate)
        left, grant = spend(tokens, want, bucket)
        self._buckets[key] = (left, now)
        if len(self._buckets) > self._max_buckets:
            self._buckets.popitem(last=False)
        return grant

    async def close(self) -> None:
        self._values.clear()
        self._buckets.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._values)

    @property
    def bytes(self) -> int:
        """Bytes of the values kept."""
        return self._bytes

    def _drop(self, key: str) -> None:
        value, _ = self._values.pop(key)
        self._bytes -= len(value)
