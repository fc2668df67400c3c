"""The header deadline of a later request is armed only when it is needed.

A later request whose headers arrive in one read arms no timer at all; one
whose headers are split across reads is timed from its first byte (the
connection closed when they never end: `test_protocol.py`, over loopback).
Timers armed are what a real server cannot show: these drive the protocol
on a fake transport.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from tests.rawhttp import get
from wethod_graphql.process.protocol import HeaderDeadlineProtocol


async def _answer(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


class _Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.closed = False
        self.written = asyncio.Event()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 80), "peername": ("127.0.0.1", 9)}.get(name)

    def is_closing(self) -> bool:
        return self.closed

    def write(self, data: Any) -> None:
        self.written.set()

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


class _CountingLoop:
    """The running loop, counting the header timers armed on it."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.header_timers = 0

    def call_later(self, delay: float, callback: Any, *args: Any) -> Any:
        if getattr(callback, "__name__", "") == "_headers_too_slow":
            self.header_timers += 1
        return self._loop.call_later(delay, callback, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loop, name)


async def _protocol() -> tuple[HeaderDeadlineProtocol, _CountingLoop, _Transport]:
    config = Config(_answer, timeout_keep_alive=60)
    config.load()
    loop = _CountingLoop(asyncio.get_running_loop())
    protocol = HeaderDeadlineProtocol(
        config, ServerState(), {}, _loop=loop, header_timeout=30
    )
    transport = _Transport()
    protocol.connection_made(transport)
    return protocol, loop, transport


async def _answered(transport: _Transport) -> None:
    await transport.written.wait()
    transport.written.clear()


async def test_headers_in_one_read_arm_no_timer() -> None:
    protocol, loop, transport = await _protocol()
    assert loop.header_timers == 1  # the first request's, from the start
    protocol.data_received(get("/"))
    assert protocol._header_deadline is None
    await _answered(transport)
    protocol.data_received(get("/"))  # a later request, whole in one read
    assert loop.header_timers == 1
    assert protocol._header_deadline is None
    await _answered(transport)
    protocol.connection_lost(None)


async def test_headers_split_across_reads_arm_a_timer_until_complete() -> None:
    protocol, loop, transport = await _protocol()
    protocol.data_received(get("/"))
    await _answered(transport)
    request = get("/")
    protocol.data_received(request[:20])
    assert loop.header_timers == 2
    assert protocol._header_deadline is not None
    protocol.data_received(request[20:])
    assert loop.header_timers == 2
    assert protocol._header_deadline is None
    await _answered(transport)
    protocol.connection_lost(None)
