"""A client that hangs up while sending its body: one INFO line, no 500.

Over a raw socket against the service under uvicorn on loopback, so the
disconnect is the server's real `http.disconnect`, not a simulation.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import fast_settings
from tests.demo_host import serving
from tests.servers import run_in_thread
from wethod_graphql.demo import DemoApi
from wethod_graphql.server.app import create_app

#: Long enough for a loaded machine; the test waits for a log line, not a time.
LOG_WAIT = 20.0


class Records(logging.Handler):
    """Every record of the root and `uvicorn` loggers (uvicorn's may not propagate)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def access(self) -> list[logging.LogRecord]:
        return [r for r in self.records if r.name == "wethod_graphql.access"]


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    root, server = logging.getLogger(), logging.getLogger("uvicorn")
    level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    server.addHandler(handler)
    try:
        yield handler
    finally:
        server.removeHandler(handler)
        root.removeHandler(handler)
        root.setLevel(level)


def send_part_and_hang_up(url: str, declared: int, sent: bytes) -> None:
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    head = (
        "POST /graphql HTTP/1.1\r\n"
        f"Host: {parts.hostname}:{parts.port}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {declared}\r\n"
        "\r\n"
    ).encode()
    with socket.create_connection((parts.hostname, parts.port)) as connection:
        connection.sendall(head + sent)


def wait_for_access_line(records: Records) -> None:
    deadline = time.monotonic() + LOG_WAIT
    while not records.access():
        if time.monotonic() > deadline:
            pytest.fail(f"no access line within {LOG_WAIT} s", pytrace=False)
        time.sleep(0.01)


def test_a_body_cut_short_is_one_info_line(records: Records) -> None:
    demo = DemoApi()
    body = b'{"query": "{ __typename }", "variabl'  # 36 of the 100 bytes declared
    assert len(body) == 36
    with (
        serving(demo) as demo_url,
        run_in_thread(create_app(fast_settings(base_url=demo_url))) as url,
    ):
        send_part_and_hang_up(url, 100, body)
        wait_for_access_line(records)
    [line] = records.access()
    assert line.levelno == logging.INFO
    message = line.getMessage()
    assert message.startswith('"POST /graphql" 499 '), message
    assert "client disconnected" in message
    assert [r for r in records.records if r.levelno >= logging.WARNING] == []
    assert [r for r in records.records if r.exc_info] == []
    assert not any("Exception in ASGI" in r.getMessage() for r in records.records)
    assert demo.requests == []
