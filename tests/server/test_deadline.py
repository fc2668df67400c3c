"""The body deadline: a request body that does not arrive in time gets 408
and a closed connection; one that does is served as usual."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.conftest import DEMO_HEADERS, fast_settings
from tests.rawhttp import connect, read_until_closed
from tests.servers import run_in_thread
from wethod_graphql.demo import DemoApi
from wethod_graphql.server.app import create_app

QUERY = b'{"query": "{ client(id: \\"1\\") { id } }"}'


@contextmanager
def _service(body_timeout: float) -> Iterator[str]:
    """The service under uvicorn on loopback, over the demo; yields its URL."""
    with run_in_thread(DemoApi().app) as demo_url:
        settings = fast_settings(base_url=demo_url, body_timeout=body_timeout)
        with run_in_thread(create_app(settings)) as url:
            yield url


def test_a_body_that_stops_arriving_gets_408_and_a_closed_connection() -> None:
    with _service(body_timeout=0.3) as url, connect(url) as sock:
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n" + QUERY[:10]
        )
        answer = read_until_closed(sock)  # the server closes it
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert b"\r\nconnection: close" in head.lower()
    assert json.loads(body) == {
        "errors": [
            {
                "message": "Request body not received within 0.3 s.",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }


def test_a_body_sent_in_time_is_served() -> None:
    with _service(body_timeout=0.3) as url:
        response = httpx.post(
            f"{url}/graphql",
            content=QUERY,
            headers={**DEMO_HEADERS, "content-type": "application/json"},
        )
    assert response.json() == {"data": {"client": {"id": "1"}}}


def test_a_slow_chunked_body_gets_408_too() -> None:
    with _service(body_timeout=0.3) as url, connect(url) as sock:
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n5\r\n" + QUERY[:5] + b"\r\n"
        )
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 ")
