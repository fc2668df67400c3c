"""A barrier: hold requests until N of them are in flight together.

Tests that must prove concurrency ("these calls were made at once") set one
instead of slowing every request and hoping they overlap within a time
window. Contract:
- `hold(requests, timeout)` arms the barrier for the next `requests` /api
  requests: each waits, before faults and latency, until that many are
  waiting; then all of them go on together and the barrier is gone;
- if they are not all there within `timeout` seconds, the barrier breaks:
  every waiting request is answered 503 `barrier_broken` (a clear failure
  instead of a hung test) and the barrier is gone;
- arming a barrier while one is armed raises `RuntimeError`;
- thread-safe: tests arm it while the server runs in another thread.
"""

from __future__ import annotations

import asyncio
import threading

#: The default wait before a barrier breaks: a hang guard, not a measurement.
DEFAULT_TIMEOUT = 30.0


class Barrier:
    """Requests wait here until `requests` of them have arrived."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parties = 0
        self._timeout = DEFAULT_TIMEOUT
        self._waiting: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[bool]]] = []

    @property
    def armed(self) -> bool:
        return self._parties > 0

    def hold(self, requests: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Hold the next `requests` requests until all of them are waiting."""
        if requests < 1:
            raise ValueError("a barrier holds at least one request")
        if not timeout > 0:
            raise ValueError("a barrier's timeout must be > 0 seconds")
        with self._lock:
            if self._parties:
                raise RuntimeError("a barrier is already armed")
            self._parties = requests
            self._timeout = timeout

    def clear(self) -> None:
        """Disarm the barrier, letting any waiting request go on."""
        self._release(True)

    async def wait(self) -> bool:
        """Wait if armed: True once released, False when the barrier broke."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        with self._lock:
            if not self._parties:
                return True
            self._waiting.append((loop, future))
            full = len(self._waiting) == self._parties
            timeout = self._timeout
        if full:
            self._release(True)
        else:
            await asyncio.wait({future}, timeout=timeout)
            if not future.done():
                self._release(False)
        return await future

    def _release(self, outcome: bool) -> None:
        with self._lock:
            waiting, self._waiting, self._parties = self._waiting, [], 0
        for loop, future in waiting:
            loop.call_soon_threadsafe(_settle, future, outcome)


def _settle(future: asyncio.Future[bool], outcome: bool) -> None:
    if not future.done():
        future.set_result(outcome)
