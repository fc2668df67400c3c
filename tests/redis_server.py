"""A real `redis-server` on a free loopback port, for a test.

`RedisServer` starts Debian's `redis-server` with no persistence, waits
until it answers PING, and stops it on `stop()`; `start()` again brings it
back on the same port (a restart after an outage). Without the binary the
test is skipped, except under CI=true, where it fails.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.servers import HOST, unavailable

STARTUP_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """One redis-server process; `url` stays the same across restarts."""

    def __init__(self, binary: str, log: Path) -> None:
        self._binary = binary
        self._log = log
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(  # noqa: S603 - a fixed argv
                [
                    self._binary,
                    "--bind",
                    HOST,
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--protected-mode",
                    "yes",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._answers():
            if self._process.poll() is not None:
                raise RuntimeError(f"redis-server exited; see {self._log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server silent after {STARTUP_TIMEOUT} s")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            self._process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@contextmanager
def running_redis(log: Path) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is needed (apt-get install redis-server)")
    server = RedisServer(binary, log)
    server.start()
    try:
        yield server
    finally:
        server.stop()
