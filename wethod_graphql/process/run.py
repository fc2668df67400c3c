"""Serving until asked to stop: exit status 0 for SIGTERM and SIGINT.

uvicorn re-raises a captured SIGTERM or SIGINT once its graceful shutdown is
done, so the process dies of the signal: status 143, or a KeyboardInterrupt
traceback and 130. Here a stop that was asked for and went well is a
success. With several workers, uvicorn's supervisor already exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

#: The signals that ask a server to stop gracefully.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Within the block, SIGTERM interrupts the main thread as Ctrl-C does.

    Before serving starts (building the app takes a while) and after it ends,
    SIGTERM would otherwise kill the process outright (status 143); this way
    it raises KeyboardInterrupt, which a command turns into a quiet exit 0.
    The previous handler is back after the block.
    """
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Server(uvicorn.Server):
    """uvicorn's server, minus re-raising the stop signal once shut down, and
    announcing itself the moment it listens."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        # No await since uvicorn began accepting: the announcement comes
        # before any request is handled (and logged).
        if self.started:
            self._on_started()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def serve(
    config: uvicorn.Config,
    sock: socket.socket,
    on_started: Callable[[], None] = lambda: None,
) -> int:
    """Serve `config.app` on the bound `sock` in this process until stopped.

    `on_started` runs once the server accepts connections. Returns 0 after a
    requested stop, uvicorn's start-up failure status if the app's lifespan
    failed.
    """
    server = _Server(config, on_started)
    with sock, asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        return runner.run(_serve(server, sock))


async def _serve(server: uvicorn.Server, sock: socket.socket) -> int:
    try:
        await server.serve(sockets=[sock])
    except SystemExit as exit_:  # uvicorn's way out of a failed lifespan
        return exit_.code if isinstance(exit_.code, int) else STARTUP_FAILURE
    return 0


def serve_workers(
    config: uvicorn.Config,
    sock: socket.socket,
    on_started: Callable[[], None] = lambda: None,
) -> int:
    """`config.workers` processes sharing `sock`, under uvicorn's supervisor.

    It starts them, replaces one that dies, and stops them all on SIGTERM or
    SIGINT, each finishing its requests first. `on_started` runs once the
    socket listens. Returns 1 if a worker could not start (the supervisor
    then stops rather than respawn it forever), else 0.
    """
    with sock:
        # Listening now, so connections wait in the backlog while workers start.
        sock.listen(config.backlog)
        on_started()
        supervisor = Multiprocess(config, sockets=[sock])
        supervisor.run()
    failed = any(p.exitcode == STARTUP_FAILURE for p in supervisor.processes)
    return 1 if failed else 0
