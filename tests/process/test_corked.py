"""`CorkedTransport`: one send per event-loop step, nothing lost or reordered."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from wethod_graphql.process.protocol import CorkedTransport


class RecordingTransport:
    """What a transport was asked to do, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.calls.append(("write", data))

    def close(self) -> None:
        self.closing = True
        self.calls.append(("close", None))

    def abort(self) -> None:
        self.closing = True
        self.calls.append(("abort", None))

    def is_closing(self) -> bool:
        return self.closing

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


def corked(inner: RecordingTransport) -> CorkedTransport:
    loop = asyncio.get_running_loop()
    return CorkedTransport(cast(asyncio.Transport, inner), loop)


async def next_step() -> None:
    await asyncio.sleep(0)


async def test_writes_of_one_step_go_out_as_one() -> None:
    inner = RecordingTransport()
    transport = corked(inner)
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(b"body")
    assert inner.calls == []
    await next_step()
    assert inner.calls == [("write", b"HTTP/1.1 200 OK\r\n\r\nbody")]
    transport.write(b"more")
    await next_step()
    assert inner.calls[-1] == ("write", b"more")


async def test_writelines_keeps_the_order_of_writes() -> None:
    inner = RecordingTransport()
    transport = corked(inner)
    transport.write(b"head ")
    transport.writelines([b"body ", b"tail"])
    await next_step()
    assert inner.calls == [("write", b"head body tail")]


async def test_close_sends_what_is_held_first() -> None:
    inner = RecordingTransport()
    transport = corked(inner)
    transport.write(b"last words")
    transport.close()
    assert inner.calls == [("write", b"last words"), ("close", None)]
    await next_step()  # the step's flush finds nothing left
    assert len(inner.calls) == 2


async def test_abort_drops_what_is_held() -> None:
    inner = RecordingTransport()
    transport = corked(inner)
    transport.write(b"never sent")
    transport.abort()
    await next_step()
    assert inner.calls == [("abort", None)]


async def test_other_calls_reach_the_transport() -> None:
    inner = RecordingTransport()
    transport = corked(inner)
    assert transport.get_extra_info("peername") == "info:peername"
    assert transport.is_closing() is False
