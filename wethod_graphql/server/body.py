"""The server's `receive` within a request body's deadline and cap.

`server.front` answers `BodyTooSlow` with 408 and `BodyTooLarge` with 413;
see its steps 3 and 4.
"""

from __future__ import annotations

import asyncio

from starlette.types import Message, Receive


class BoundedBody:
    """The server's `receive`, within the body's deadline and, for a body of
    no declared length, its cap."""

    __slots__ = (
        "_cap",
        "_complete",
        "_deadline",
        "_expired",
        "_loop",
        "_receive",
        "_received",
    )

    def __init__(
        self,
        receive: Receive,
        loop: asyncio.AbstractEventLoop,
        deadline: float,
        cap: int | None,
    ) -> None:
        self._receive = receive
        self._loop = loop
        self._deadline = deadline
        self._cap = cap
        self._received = 0
        self._complete = False
        self._expired = False

    async def __call__(self) -> Message:
        if self._complete:
            return await self._receive()
        # What `asyncio.timeout_at` does, with a bare timer: its `Timeout`
        # object cost some 24,000 instructions per request (measured).
        task = asyncio.current_task()
        assert task is not None  # noqa: S101 - an ASGI app runs in a task
        cancelling = task.cancelling()
        timer = self._loop.call_at(self._deadline, self._expire, task)
        try:
            message = await self._receive()
        except asyncio.CancelledError:
            # Ours, not a cancellation from outside: the deadline passed.
            if self._expired and task.uncancel() <= cancelling:
                raise BodyTooSlow from None
            raise
        finally:
            timer.cancel()
        if message["type"] != "http.request":
            self._complete = True
            return message
        if self._cap is not None:
            self._received += len(message.get("body", b""))
            if self._received > self._cap:
                raise BodyTooLarge
        if not message.get("more_body"):
            self._complete = True
        return message

    def _expire(self, task: asyncio.Task[object]) -> None:
        self._expired = True
        task.cancel()


class BodyTooLarge(Exception):
    """A body of no declared length went past its cap."""


class BodyTooSlow(Exception):
    """The body was not complete by its deadline."""
