"""Serving the demo API over HTTP with uvicorn."""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .app import DemoApi

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8081


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo server's options, for every command line that runs it."""
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"default: {DEFAULT_HOST}")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"default: {DEFAULT_PORT}"
    )
    parser.add_argument(
        "--faults",
        action="store_true",
        help="enable fault injection and the /_demo/ admin endpoints",
    )
    parser.add_argument(
        "--latency",
        type=_latency,
        default=0.0,
        metavar="SECONDS",
        help="delay added to every /api request",
    )


def _latency(raw: str) -> float:
    value = float(raw)
    if not value >= 0:  # NaN too
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    faults: bool = False,
    latency: float = 0.0,
) -> None:
    """Serve a fresh `DemoApi` on host:port until interrupted (blocks)."""
    # Imported here: the package itself needs only Starlette, so the in-process
    # uses (tests, `serve --demo`) never load a server.
    import uvicorn

    api = DemoApi(faults=faults, latency=latency)
    uvicorn.run(api.app, host=host, port=port, log_level="info")


#: How long `serve_in_thread` waits for the server to listen.
STARTUP_SECONDS = 10.0


@contextmanager
def serve_in_thread(api: DemoApi, host: str = DEFAULT_HOST) -> Iterator[str]:
    """Serve `api` on `host`, a free port, from a thread of this process.

    Yields its base URL (`http://HOST:PORT`) once it listens; on leaving the
    block the server stops and the thread is joined. No signal handler is
    installed (only the main thread may), and logging is left as it is.
    """
    import uvicorn

    config = uvicorn.Config(
        api.app,
        host=host,
        port=0,
        log_config=None,
        access_log=False,
        lifespan="off",
        ws="none",
    )
    server = uvicorn.Server(config)
    failures: list[BaseException] = []

    def run() -> None:
        # uvicorn ends a failed start-up with sys.exit(): keep it for the
        # caller rather than let it end the thread unreported.
        try:
            server.run()
        except BaseException as error:
            failures.append(error)

    thread = threading.Thread(target=run, name="demo-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                cause = failures[0] if failures else None
                raise RuntimeError(f"the demo API did not start on {host}") from cause
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join()
