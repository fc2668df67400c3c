"""The server's `receive` within a request body's deadline and cap.

`server.front` answers `BodyTooSlow` with 408 and `BodyTooLarge` with 413;
see its steps 3 and 4.
"""

from __future__ import annotations

import asyncio

from starlette.types import Message, Receive

from wethod_graphql.upstream.deadline import Deadline


class BoundedBody:
    """The server's `receive`, within the body's deadline and, for a body of
    no declared length, its cap."""

    __slots__ = (
        "_cap",
        "_complete",
        "_deadline",
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

    async def __call__(self) -> Message:
        if self._complete:
            return await self._receive()
        # `asyncio.timeout_at`'s semantics; its `Timeout` object cost some
        # 24,000 instructions per request (measured).
        expiry = Deadline(self._loop, self._deadline)
        try:
            message = await self._receive()
        except BaseException as error:
            if expiry.end(error):
                raise BodyTooSlow from None
            raise
        expiry.end(None)
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


class BodyTooLarge(Exception):
    """A body of no declared length went past its cap."""


class BodyTooSlow(Exception):
    """The body was not complete by its deadline."""
