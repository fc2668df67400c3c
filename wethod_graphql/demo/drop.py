"""Dropping a connection without any HTTP response, for fault injection.

ASGI has no "abort" message, and raising in the app makes uvicorn answer 500,
which is exactly what a dropped connection must not look like. So the app's
outermost layer calls `remember_transport(scope, send)`: under uvicorn (h11 or
httptools) `send` is a method of the request cycle, which owns the socket's
transport. `DropConnection` then aborts that transport and returns without
sending anything; uvicorn sees the connection gone and stays silent. The
client sees the connection closed before any byte of a response.

Where no transport can be found (in-process transports such as httpx's
`ASGITransport`), `DropConnection` raises `ConnectionDropped`, which reaches
the caller as that exception: the closest in-process stand-in.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

_ABORT = "wethod_demo.abort_target"
# Bounded: connection_lost normally runs on the very next loop iteration.
_MAX_WAIT_ROUNDS = 100


class ConnectionDropped(ConnectionResetError):
    """Raised in-process where the demo cannot close a real socket."""


def remember_transport(scope: Scope, send: Send) -> None:
    """Note in `scope` the server object that owns the connection, if any."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is not None and hasattr(transport, "abort"):
        scope[_ABORT] = cycle


class DropConnection(Response):
    """A 'response' that closes the connection and sends nothing."""

    def __init__(self) -> None:
        super().__init__(status_code=500)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cycle: Any = scope.get(_ABORT)
        if cycle is None:
            raise ConnectionDropped("demo fault: connection dropped")
        cycle.transport.abort()
        # Return only once the server has noticed, or it would answer 500
        # for "app returned without starting a response".
        for _ in range(_MAX_WAIT_ROUNDS):
            if getattr(cycle, "disconnected", True):
                return
            await asyncio.sleep(0)
