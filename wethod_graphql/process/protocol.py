"""A deadline on reading each request's headers, which uvicorn lacks.

uvicorn bounds only the idle time between two requests of a connection
(`timeout_keep_alive`): a client that connects and then sends its request
line and headers a byte now and then holds the connection, and a file
descriptor, forever (slowloris). Here the headers of each request must be
complete within `header_timeout` seconds, counted from the connection's
start for the first request and from the first byte of each later one;
otherwise the connection is closed without an answer. Bodies have their own
deadline, in the app (`server/front.py`).

A later request's timer is armed only if its headers are still incomplete
when the data that began it has been read: they mostly arrive whole, in one
read, and a loop timer armed and cancelled costs some 7,700 instructions
(measured). A read happens at one loop time, so the deadline still counts
from the request's first byte.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterable
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header deadline (see the module)."""

    def __init__(self, *args: Any, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self._header_deadline: asyncio.TimerHandle | None = None
        self._headers_pending = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        corked = cast(asyncio.Transport, CorkedTransport(transport, self.loop))
        super().connection_made(corked)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # A later request begun in this read (the first one's timer runs
        # since the connection's start), its headers not all in.
        if self._headers_pending and self._header_deadline is None:
            self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._headers_pending = True

    def on_headers_complete(self) -> None:
        self._headers_pending = False
        self._disarm()
        super().on_headers_complete()

    def _arm(self) -> None:
        self._header_deadline = self.loop.call_later(
            self.header_timeout, self._headers_too_slow
        )

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            # DEBUG: under a slowloris attack this happens thousands of times.
            self.logger.debug(
                "Closed a connection whose request headers took over %g s.",
                self.header_timeout,
            )
            self.transport.close()


class CorkedTransport:
    """A transport whose writes within one event-loop step go out as one.

    uvicorn writes a response's head and its body separately: two sends,
    and two TCP segments on the wire for every small answer. Held until the
    step ends (or the connection closes), they go out together.
    """

    __slots__ = ("_loop", "_pending", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop):
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] | None = None

    def write(self, data: bytes) -> None:
        if self._pending is None:
            self._pending = [data]
            self._loop.call_soon(self._flush)
        else:
            self._pending.append(data)

    def writelines(self, chunks: Iterable[bytes]) -> None:
        # Held too, or they would overtake what `write` holds.
        for data in chunks:
            self.write(data)

    def _flush(self) -> None:
        pending, self._pending = self._pending, None
        if pending and not self._transport.is_closing():
            self._transport.write(b"".join(pending))

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending = None
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def with_header_timeout(header_timeout: float) -> type[asyncio.Protocol]:
    """The `http` option of `uvicorn.Config` that applies `header_timeout`.

    A partial of a module-level class, so the config still pickles for
    worker processes; uvicorn calls it the way it calls a protocol class.
    """
    factory = functools.partial(HeaderDeadlineProtocol, header_timeout=header_timeout)
    return cast(type[asyncio.Protocol], factory)
