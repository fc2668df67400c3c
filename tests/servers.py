"""Run an ASGI app under a real uvicorn server on loopback, for a test.

`run_in_thread(app)` serves `app` on 127.0.0.1 on a free port in a background
thread and yields its base URL (`http://127.0.0.1:PORT`). Contract:
- the server is listening before the block starts, or `RuntimeError` is
  raised within `startup_timeout` seconds (startup failure or hang);
- on leaving the block the server shuts down gracefully (open connections
  closed, lifespan shutdown run), and is forced down if that takes longer
  than `shutdown_timeout`; the thread is always joined or reported;
- extra keyword arguments go to `uvicorn.Config` (e.g. `http="h11"`).
Websockets are off by default: no test here needs them, and loading their
implementation can emit deprecation warnings, which the suite treats as errors.

`run_command` runs the real command line the same way, in the environment of
a fresh machine (`clean_environ`) unless told another; `unavailable` skips a
test whose tool is missing, and fails it under CI=true.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
import uvicorn
from starlette.types import ASGIApp

HOST = "127.0.0.1"


@contextmanager
def run_in_thread(
    app: ASGIApp,
    *,
    startup_timeout: float = 10.0,
    shutdown_timeout: float = 10.0,
    **config: Any,
) -> Iterator[str]:
    """Serve `app` on loopback in a thread; yield its base URL."""
    options: dict[str, Any] = {
        "host": HOST,
        "port": 0,
        "log_level": "warning",
        "access_log": False,
        "ws": "none",
        "lifespan": "auto",
    }
    options.update(config)
    server = uvicorn.Server(uvicorn.Config(app, **options))
    failures: list[BaseException] = []

    def run() -> None:
        # uvicorn ends a failed startup with sys.exit(): keep it for the
        # caller instead of letting it escape the thread unreported.
        try:
            server.run()
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run, name="uvicorn-test", daemon=True)
    thread.start()
    try:
        _wait_started(server, thread, startup_timeout, failures)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{HOST}:{port}"
    finally:
        _stop(server, thread, shutdown_timeout)


def _wait_started(
    server: uvicorn.Server,
    thread: threading.Thread,
    timeout: float,
    failures: list[BaseException],
) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            cause = failures[0] if failures else None
            raise RuntimeError("uvicorn exited before it started serving") from cause
        if time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start within {timeout} s")
        time.sleep(0.005)


def _stop(server: uvicorn.Server, thread: threading.Thread, timeout: float) -> None:
    server.should_exit = True
    thread.join(timeout)
    if thread.is_alive():
        # Graceful shutdown is stuck (a request that never ends): cut it short.
        server.force_exit = True
        thread.join(timeout)
    if thread.is_alive():
        raise RuntimeError(f"uvicorn did not stop within {2 * timeout} s")


def clean_environ() -> dict[str, str]:
    """This process's environment without `WETHOD_*`: as on a fresh machine."""
    return {k: v for k, v in os.environ.items() if not k.startswith("WETHOD_")}


def unavailable(reason: str) -> NoReturn:
    """Skip for a missing tool, but fail under CI=true, where it must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required when CI=true)", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class Running:
    url: str  # http://HOST:PORT
    process: subprocess.Popen[bytes]


@contextmanager
def run_command(
    command: list[str],
    stderr_path: Path,
    *,
    env: dict[str, str] | None = None,
    startup_timeout: float = 20.0,
    url_suffix: str = "/graphql",
) -> Iterator[Running]:
    """Run `wethod-graphql serve` (or alike) until it prints its URL.

    `env` defaults to `clean_environ()`. The command must print a line ending
    in `http://HOST:PORT` + `url_suffix` once it listens. The process gets
    SIGTERM on leaving the block, and SIGKILL if it has not exited 10 s later.
    """
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 - the test's own command
            command,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=clean_environ() if env is None else env,
        )
        try:
            url = _wait_for_url(process, startup_timeout, stderr_path, url_suffix)
            yield Running(url, process)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
            if process.stdout is not None:
                process.stdout.close()


def _wait_for_url(
    process: subprocess.Popen[bytes], timeout: float, log: Path, suffix: str
) -> str:
    assert process.stdout is not None
    found: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode().strip()
            if line.endswith(suffix) and "http://" in line:
                found.append(line[line.index("http://") : -len(suffix)])
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if not found:
        raise RuntimeError(f"no URL printed within {timeout} s; see {log}")
    return found[0]
