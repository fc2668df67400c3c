"""One uvicorn on loopback, for the whole run, serving the current test's demo.

The service and the upstream tests reach a `DemoApi` over real HTTP, as in
production. A uvicorn per test would cost 0.2 s to stop, so one server runs
in a background thread for the session and answers for whichever demo
`serving(demo)` points it at (or any ASGI app, with `serving_app`); outside
such a block it answers 503.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.servers import run_in_thread
from wethod_graphql.demo import DemoApi


class _Switch:
    """An ASGI app that hands each request to the app being served."""

    def __init__(self) -> None:
        self.target: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = self.target
        if target is None:
            # A late request of a test that has ended (a retry, a timeout).
            await PlainTextResponse("no demo", status_code=503)(scope, receive, send)
            return
        await target(scope, receive, send)


_switch = _Switch()
_started: list[str] = []
_running = ExitStack()
_lock = threading.Lock()


def _base_url() -> str:
    with _lock:
        if not _started:
            # A short graceful shutdown: handlers may still sleep on a delay.
            url = _running.enter_context(
                run_in_thread(_switch, lifespan="off", timeout_graceful_shutdown=0.1)
            )
            _started.append(url)
        return _started[0]


def stop() -> None:
    """Stop the server, if it was started (at the end of the test session)."""
    with _lock:
        _running.close()
        _started.clear()


def serving(demo: DemoApi) -> AbstractContextManager[str]:
    """Serve `demo` over loopback while the block lasts; yield its base URL.

    Blocks for the same demo nest; another demo at the same time is an error.
    """
    return serving_app(demo.app)


@contextmanager
def serving_app(app: ASGIApp) -> Iterator[str]:
    """`serving` for any ASGI app (an upstream answering what no demo would)."""
    url = _base_url()
    previous = _switch.target
    if previous is not None and previous is not app:
        raise RuntimeError("another app is being served")
    _switch.target = app
    try:
        yield url
    finally:
        _switch.target = previous
