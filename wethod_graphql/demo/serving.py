"""Serving the demo API over HTTP with uvicorn, saying how to call it.

At start-up it prints its URL, the credentials it accepts and a request that
works; uvicorn's access log shows each request (method, path, status).
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from wethod_graphql.process import listen

from .app import DemoApi
from .auth import CRM_VIEW, TOKENS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8081
#: Any non-empty value is accepted; the real API wants a date like this one.
VERSION = "2024-06-15"
DEMO_DESCRIPTION = (
    "Serve the embedded Wethod-like demo REST API (the clients resource, with "
    "sample data) on its own."
)


def _credentials() -> str:
    lines = [
        "credentials it accepts (each request also needs a Wethod-Version "
        f"header, e.g. {VERSION}):"
    ]
    for token, grant in TOKENS.items():
        allowed = CRM_VIEW if CRM_VIEW in grant.permissions else f"no {CRM_VIEW}: 403"
        lines.append(
            f"  Authorization: Bearer {token:<13} Wethod-Company: {grant.company:<7}"
            f" ({allowed})"
        )
    return "\n".join(lines)


#: The credentials, as `--help` and the start-up banner list them.
DEMO_CREDENTIALS = _credentials()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo server's options, for every command line that runs it."""
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"default: {DEFAULT_HOST}")
    parser.add_argument(
        "--port",
        type=listen.port_number,
        default=DEFAULT_PORT,
        help=f"default: {DEFAULT_PORT} (0 picks a free port)",
    )
    parser.add_argument(
        "--faults",
        action="store_true",
        help="enable fault injection and the /_demo/ admin endpoints (default: off)",
    )
    parser.add_argument(
        "--latency",
        type=_latency,
        default=0.0,
        metavar="SECONDS",
        help="delay added to every /api request (default: 0)",
    )


def _latency(raw: str) -> float:
    value = float(raw)
    if not value >= 0:  # NaN too
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def banner(base_url: str) -> str:
    """What the demo API prints once it listens: where, who, and a try."""
    example = (
        f"curl -H 'Authorization: Bearer {next(iter(TOKENS))}' "
        f"-H 'Wethod-Company: {next(iter(TOKENS.values())).company}' "
        f"-H 'Wethod-Version: {VERSION}' {base_url}/api/clients/1"
    )
    return f"Demo API: {base_url}/api\n{DEMO_CREDENTIALS}\ntry: {example}"


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    faults: bool = False,
    latency: float = 0.0,
) -> int:
    """Serve a fresh `DemoApi` on host:port until asked to stop (blocks).

    Returns 0 after SIGTERM or SIGINT; raises `listen.ListenError` when the
    address cannot be listened on.
    """
    # Imported here: the package itself needs only Starlette, so the in-process
    # uses (tests, `serve --demo`) never load a server.
    import uvicorn

    from wethod_graphql.process import run

    api = DemoApi(faults=faults, latency=latency)
    sock = listen.bind(host, port)
    config = uvicorn.Config(api.app, log_level="info", access_log=True)
    return run.serve(
        config, sock, lambda: print(banner(listen.base_url(sock)), flush=True)
    )


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
